import { useMemo } from 'react';
import { useDashboard } from '../../store/hooks.js';
import { groupsView } from '../../store/selectors.js';
import { Panel } from '../../ui/Panel.js';
import './groups.css';

/** Each concurrency group, its members, and who holds it: two loaded models never share a group. */
export function GroupsPanel() {
  const models = useDashboard((s) => s.models);
  const names = useDashboard((s) => s.names);
  const groups = useMemo(() => groupsView(models, names), [models, names]);
  return (
    <Panel title="Concurrency groups" className="groups-panel">
      {groups.length === 0 ? (
        <p className="empty">No concurrency groups configured.</p>
      ) : (
        <ul className="groups" aria-label="Concurrency groups" tabIndex={0}>
          {groups.map((g) => (
            <li key={g.name} className="group">
              <div className="group-head">
                <span className="group-name">{g.name}</span>
                {g.holders.length > 0 ? (
                  <span className="holder" aria-label={`${g.name} held by ${g.holders.join(', ')}`}>
                    <span className="holder-dot" aria-hidden="true" />
                    {g.holders.join(', ')}
                  </span>
                ) : (
                  <span className="free" aria-label={`${g.name} free`}>free</span>
                )}
              </div>
              <div className="group-members">
                {g.members.map((m) => (
                  <span key={m} className={`member${g.holders.includes(m) ? ' member-holding' : ''}`}>{m}</span>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
