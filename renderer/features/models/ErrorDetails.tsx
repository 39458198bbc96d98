import { useDashboard } from '../../store/hooks.js';
import { lastError } from '../../store/selectors.js';
import { formatClock } from '../../lib/format.js';

/** The full last error of one model: message, exit code, and the backend's last log lines. */
export function ErrorDetails({ name, onClose }: { name: string; onClose: () => void }) {
  const model = useDashboard((s) => s.models[name]);
  const actionError = useDashboard((s) => s.actionErrors[name]);
  const error = model ? lastError(model, actionError) : null;
  return (
    <div className="error-details" id="model-error-details" role="region" aria-label={`Error details for ${name}`}>
      <div className="error-details-head">
        <strong>{name}</strong>
        {error ? <span className="faint">{formatClock(error.at)}</span> : null}
        {error && error.exit_code !== null ? <span className="chip">exit code {error.exit_code}</span> : null}
        <button type="button" className="btn btn-ghost btn-small" aria-label="Close error details" onClick={onClose}>
          ✕
        </button>
      </div>
      {error ? (
        <>
          <p className="error-message">{error.message}</p>
          {error.log_tail.length > 0 ? <pre className="error-tail mono">{error.log_tail.join('\n')}</pre> : null}
        </>
      ) : (
        <p className="muted">No error recorded.</p>
      )}
    </div>
  );
}
