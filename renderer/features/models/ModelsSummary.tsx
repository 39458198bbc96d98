import { useDashboard } from '../../store/hooks.js';
import type { DashboardState } from '../../store/state.js';

function countLoaded(s: DashboardState): number {
  let n = 0;
  for (const name of s.names) if (s.models[name]?.state === 'ready') n++;
  return n;
}

/** `3 loaded · 12 models` in the panel header; a number, so pushes that do not change it cost no render. */
export function ModelsSummary() {
  const total = useDashboard((s) => s.names.length);
  const loaded = useDashboard(countLoaded);
  return (
    <span className="muted">
      <strong className="summary-strong">{loaded}</strong> loaded · {total} {total === 1 ? 'model' : 'models'}
    </span>
  );
}
