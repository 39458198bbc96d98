import { memo } from 'react';
import { modelMemory, type ModelView } from '../../../shared/model-view.js';
import { humanBytes } from '../../../shared/units.js';
import { useActions, useDashboard } from '../../store/hooks.js';
import { canUnload, displayState, lastError } from '../../store/selectors.js';
import { LoadControl } from '../plan/LoadControl.js';
import { IdleCountdown } from './IdleCell.js';
import { PinSwitch } from './PinSwitch.js';
import { StateBadge } from './StateBadge.js';
import { RequestStatsCell } from '../try/RequestStatsCell.js';
import { TryButton } from '../try/TryButton.js';
import { CancelLoadButton } from '../progress/CancelLoadButton.js';
import { LoadProgressBar } from '../progress/LoadProgressBar.js';

/** `discovered · qwen3 · 8.2B · Q4_K_M · 4.7 GiB` for a model found by discovery. */
function ggufLine(model: ModelView): string {
  if (model.source !== 'discovered' || !model.gguf) return '';
  const g = model.gguf;
  const params = g.parameters >= 1e9 ? `${(g.parameters / 1e9).toFixed(1)}B` : g.parameters >= 1e6 ? `${(g.parameters / 1e6).toFixed(0)}M` : `${g.parameters}`;
  return ['discovered', g.architecture, params, g.quantization, humanBytes(g.size_bytes)].filter(Boolean).join(' · ');
}

interface ModelRowProps {
  name: string;
  /** 1-based position among all rows, for aria-rowindex (only a window of rows is in the DOM). */
  rowIndex: number;
  errorOpen: boolean;
  onToggleError: (name: string) => void;
}

/**
 * One model. Memoized and subscribed to its own slice only, so a push about one model re-renders
 * one row, not five hundred.
 */
export const ModelRow = memo(function ModelRow({ name, rowIndex, errorOpen, onToggleError }: ModelRowProps) {
  const model = useDashboard((s) => s.models[name]);
  const pending = useDashboard((s) => s.pending[name]);
  const actionError = useDashboard((s) => s.actionErrors[name]);
  const following = useDashboard((s) => s.logs.model === name);
  const actions = useActions();
  if (!model) return null;

  const error = lastError(model, actionError);
  const mem = modelMemory(model);
  const up = canUnload(model);
  const working = pending === 'load' || pending === 'unload';
  // Under the name: which backend runs it (llama-server, builtin, a template), its pid while it runs,
  // then any aliases, then what a found GGUF file is.
  const sub = [model.backend ?? '', model.pid !== null ? `pid ${model.pid}` : '', model.aliases.join(', '), ggufLine(model)].filter((s) => s !== '').join(' · ');

  return (
    <tr aria-rowindex={rowIndex} className={following ? 'row-following' : undefined}>
      <th scope="row" className="col-name">
        <span className="model-name" title={model.name}>{model.name}</span>
        {sub ? <span className="model-sub faint" title={sub}>{sub}</span> : null}
        {model.source === 'discovered' ? (
          <button type="button" className="btn btn-ghost btn-small add-btn" aria-label={`Add ${name} to the config`} disabled={pending === 'add'} aria-busy={pending === 'add' || undefined} title={`Write ${name} into the config file`} onClick={() => void actions.addToConfig(name)}>
            {pending === 'add' ? 'Adding…' : 'Add to config'}
          </button>
        ) : null}
      </th>
      <td data-label="State"><StateBadge state={displayState(model)} /></td>
      <td className="num" data-label="In-flight">
        {model.inflight > 0 ? model.inflight : <span className="faint">0</span>}
        {model.queued > 0 ? <span className="chip" title="requests waiting for this model">+{model.queued} queued</span> : null}
      </td>
      <td className="num" data-label="Requests"><RequestStatsCell name={name} stats={model.stats} action={<TryButton name={name} />} /></td>
      <td className="num" data-label="Idle in">
        {/* The engine sets idle_deadline only where an idle unload is pending (not pinned, not busy). */}
        {model.idle_deadline ? <IdleCountdown deadline={model.idle_deadline} /> : <span className="faint">—</span>}
      </td>
      <td className="num" data-label="VRAM">{mem ? `${humanBytes(mem.bytes)}${mem.kind === 'RAM' ? ' RAM' : ''}` : <span className="faint">—</span>}</td>
      <td className="col-groups" data-label="Groups">
        {model.groups.length === 0 ? <span className="faint">—</span> : model.groups.map((g) => <span key={g} className="chip">{g}</span>)}
      </td>
      <td>
        {model.state === 'starting' ? (
          <CancelLoadButton name={name} busy={pending === 'unload'} onCancel={() => void actions.unload(name)} />
        ) : up ? (
          <button type="button" className="btn btn-small action-btn" aria-label={`Unload ${name}`} disabled={working || model.state === 'stopping'} aria-busy={pending === 'unload' || undefined} onClick={() => void actions.unload(name)}>
            {pending === 'unload' ? 'Unloading…' : 'Unload'}
          </button>
        ) : (
          <LoadControl name={name} place="row" disabled={working} loading={pending === 'load'} onLoad={() => void actions.load(name)} />
        )}
      </td>
      <td data-label="Pinned">
        <PinSwitch name={name} pinned={model.pinned} busy={pending === 'pin'} onChange={(p) => void actions.setPinned(name, p)} />
      </td>
      <td className="col-error">
        {model.state === 'starting' ? (
          <LoadProgressBar model={model} />
        ) : error ? (
          <button
            type="button"
            className="error-link"
            aria-expanded={errorOpen}
            aria-controls={errorOpen ? 'model-error-details' : undefined}
            title={error.message}
            onClick={() => onToggleError(name)}
          >
            <span className="visually-hidden">Show error for {name}: </span>
            {model.cooldown_until ? <span className="chip">retry in <IdleCountdown deadline={model.cooldown_until} /></span> : null}
            {error.exit_code !== null ? <span className="chip chip-bad">exit {error.exit_code}</span> : null}
            <span className="error-text">{error.message}</span>
          </button>
        ) : (
          <span className="faint">—</span>
        )}
      </td>
      <td data-label="Logs">
        <button type="button" className="btn btn-ghost btn-small" aria-label={`Show logs for ${name}`} aria-pressed={following} title="Show logs" onClick={() => actions.followLogs(name)}>
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
            <path d="M2 3h10M2 6h10M2 9h6M2 12h8" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
          </svg>
        </button>
      </td>
    </tr>
  );
});
