import { useActions } from '../../store/hooks.js';

/** The header's entry to the Add model dialog. */
export function AddModelButton() {
  const actions = useActions();
  return (
    <button type="button" className="btn btn-small btn-primary" onClick={() => actions.openAddModel()}>
      Add model
    </button>
  );
}
