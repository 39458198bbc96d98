import { useDashboard } from '../store/hooks.js';
import { vramTotals } from '../store/selectors.js';
import type { Connection } from '../store/state.js';
import { formatPercent, formatUsage } from '../lib/format.js';
import { AddModelButton } from '../features/add-model/AddModelButton.js';
import { MEMORY_LEVEL_LABEL, worstMemoryLevel } from '../lib/memory-level.js';
import { MemoryLevelLabel } from '../ui/MemoryLevelLabel.js';
import { EndpointUrl } from './EndpointUrl.js';
import { ThemeToggle } from './ThemeToggle.js';
import './header.css';

const CONNECTION_LABEL: Record<Connection, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

function ConnectionPill() {
  const connection = useDashboard((s) => s.connection);
  const error = useDashboard((s) => s.connectionError);
  return (
    <span className={`conn conn-${connection}`} role="status" aria-label={`Connection: ${CONNECTION_LABEL[connection]}`} title={error ?? undefined}>
      <span className="conn-dot" aria-hidden="true" />
      {CONNECTION_LABEL[connection]}
    </span>
  );
}

function VramSummary() {
  const totals = useDashboard((s) => vramTotals(s.gpu)?.used ?? null);
  const total = useDashboard((s) => vramTotals(s.gpu)?.total ?? null);
  const ram = useDashboard((s) => s.gpu?.source === 'ram');
  const level = useDashboard((s) => worstMemoryLevel(s.gpu?.devices ?? []));
  if (totals === null || total === null) return <span className="vram-summary faint">VRAM —</span>;
  const words = MEMORY_LEVEL_LABEL[level];
  return (
    <span className={`vram-summary vram-summary-${level}`} aria-label={`${ram ? 'Memory' : 'VRAM'} used ${formatUsage(totals, total)}${words ? `, ${words.toLowerCase()}` : ''}`}>
      <span className="vram-summary-label">{ram ? 'Memory' : 'VRAM'}</span>
      <span className="vram-summary-meter" aria-hidden="true">
        <span style={{ width: formatPercent(totals, total) }} />
      </span>
      <span>{formatUsage(totals, total)}</span>
      <MemoryLevelLabel level={level} />
    </span>
  );
}

export function Header() {
  const version = useDashboard((s) => s.version);
  return (
    <header className="app-header">
      <div className="brand">
        <svg className="brand-mark" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
          <rect x="2" y="11" width="4" height="7" rx="1" />
          <rect x="8" y="7" width="4" height="11" rx="1" />
          <rect x="14" y="3" width="4" height="15" rx="1" />
        </svg>
        <h1>Loadout</h1>
        {version ? <span className="faint">v{version}</span> : null}
      </div>
      <div className="header-right">
        <AddModelButton />
        <EndpointUrl />
        <VramSummary />
        <ConnectionPill />
        <ThemeToggle />
      </div>
    </header>
  );
}
