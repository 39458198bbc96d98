import type { ModelView } from '../../../shared/model-view.js';
import { humanBytes } from '../../../shared/units.js';
import { useActions, useDashboard } from '../../store/hooks.js';
import { LoadControl } from '../plan/LoadControl.js';
import { StateBadge } from '../models/StateBadge.js';
import { displayState } from '../../store/selectors.js';
import { formatContext } from './discovered.js';

function DiscoveredRow({ model }: { model: ModelView }) {
  const actions = useActions();
  const pending = useDashboard((s) => s.pending[model.name]);
  const g = model.gguf;
  const up = model.state !== 'stopped' && model.state !== 'failed';
  return (
    <tr>
      <th scope="row" className="mono">{model.name}</th>
      <td className="num">{g ? humanBytes(g.size_bytes) : '—'}</td>
      <td>{g?.quantization ?? '—'}</td>
      <td className="num">{formatContext(g?.context_length ?? null)}</td>
      <td className="num">{model.vram_estimate_bytes !== null ? humanBytes(model.vram_estimate_bytes) : '—'}</td>
      <td>
        {up ? <StateBadge state={displayState(model)} /> : <LoadControl name={model.name} place="dialog" disabled={pending === 'load'} loading={pending === 'load'} onLoad={() => void actions.load(model.name)} />}
      </td>
      <td>
        <button type="button" className="btn btn-small" aria-label={`Add ${model.name} to the config`} disabled={pending === 'add'} aria-busy={pending === 'add' || undefined} onClick={() => void actions.addToConfig(model.name)}>
          {pending === 'add' ? 'Adding…' : 'Add to config'}
        </button>
      </td>
    </tr>
  );
}

/** What discovery found and the config does not have yet: the facts, one-click Load and Add to config. */
export function DiscoveredList({ models }: { models: readonly ModelView[] }) {
  if (models.length === 0) {
    return <p className="faint">No GGUF files found that are not configured yet. Folders listed under <code>discover:</code> in the config file are searched.</p>;
  }
  return (
    <div className="discovered-scroll">
      <table className="discovered-table" aria-label="Discovered models">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">Size</th>
            <th scope="col">Quant</th>
            <th scope="col" className="num">Context</th>
            <th scope="col" className="num">Est. memory</th>
            <th scope="col"><span className="visually-hidden">Load</span></th>
            <th scope="col"><span className="visually-hidden">Add to config</span></th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <DiscoveredRow key={m.name} model={m} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
