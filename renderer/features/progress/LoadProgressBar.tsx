import { loadProgress, loadProgressText } from '../../../shared/load-progress.js';
import type { ModelView } from '../../../shared/model-view.js';
import { useNow } from '../../store/hooks.js';
import './progress.css';

/**
 * A starting model's load: a bar (with the backend's percentage where it reports one, indeterminate
 * otherwise), elapsed time against the estimate from its previous loads, and the requests waiting.
 * Only starting rows mount it, so only they re-render on the one-second tick.
 */
export function LoadProgressBar({ model }: { model: ModelView }) {
  const now = useNow();
  const p = loadProgress(model, now);
  if (!p) return null;
  const text = loadProgressText(p);
  const waiting = model.queued > 0 ? `${model.queued} ${model.queued === 1 ? 'request' : 'requests'} waiting` : null;
  return (
    <div className="load-progress" title={waiting ? `${text} · ${waiting}` : text}>
      <div
        role="progressbar"
        aria-label={`Loading ${model.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={p.percent ?? undefined}
        aria-valuetext={text}
        className={p.percent === null ? 'load-bar load-bar-indeterminate' : 'load-bar'}
      >
        <div className="load-bar-fill" style={p.percent === null ? undefined : { width: `${p.percent}%` }} />
      </div>
      <span className="load-progress-text mono">{text}</span>
      {waiting ? <span className="chip load-waiting">{waiting}</span> : null}
    </div>
  );
}
