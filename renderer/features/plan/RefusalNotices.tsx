import { useActions, useDashboard } from '../../store/hooks.js';
import './plan.css';

/**
 * Loads refused by a rule (a pinned model in the way, no memory, busy models), each naming the rule and
 * the way out, until dismissed. A refusal is not a failure of the model, so it never shows as its last error.
 */
export function RefusalNotices() {
  const refusals = useDashboard((s) => s.refusals);
  const actions = useActions();
  return (
    <div className="refusals" role="alert" aria-label="Refused loads">
      {refusals.map((r) => (
        <div key={r.id} className="banner banner-warn refusal">
          <div className="refusal-text">
            <strong>Did not load {r.model}.</strong> <span>{r.hint ?? r.message}</span>
            {r.hint ? <div className="faint refusal-detail">{r.message}</div> : null}
          </div>
          <button type="button" className="btn btn-ghost btn-small" aria-label={`Dismiss the notice about ${r.model}`} onClick={() => actions.dismissRefusal(r.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
