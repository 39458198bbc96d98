import { useActions } from '../../store/hooks.js';
import { OpenConfigFile } from './OpenConfigFile.js';
import './add-model.css';

/** No models yet: say where they go and offer both ways in (the dialog, or the file itself). */
export function EmptyModels() {
  const actions = useActions();
  return (
    <div className="empty empty-models">
      <p>No models yet. Add a GGUF file, or list models under <code>models:</code> in the config file:</p>
      <p><OpenConfigFile /></p>
      <p>
        <button type="button" className="btn btn-primary" onClick={() => actions.openAddModel()}>
          Add model
        </button>
      </p>
    </div>
  );
}
