import { useMemo } from 'react';
import { GPU_HISTORY_MS } from '../../store/state.js';
import { useDashboard } from '../../store/hooks.js';
import { logLast } from '../../store/append-log.js';
import { formatPercent } from '../../lib/format.js';
import { chartPaths, deviceSeries } from './vram-data.js';

const W = 320;
const H = 64;

/** Used memory of one device over the last ten minutes; the x axis ends at the newest sample. */
export function HistoryChart({ deviceIndex, total, label }: { deviceIndex: number; total: number; label: string }) {
  const history = useDashboard((s) => s.gpuHistory);
  const { line, area, peak } = useMemo(() => {
    const last = logLast(history);
    const to = last ? Date.parse(last.at) : 0;
    const from = to - GPU_HISTORY_MS;
    const series = deviceSeries(history, deviceIndex, from);
    const paths = chartPaths(series, total, W, H, from, to);
    return { ...paths, peak: series.reduce((m, p) => Math.max(m, p.used), 0) };
  }, [history, deviceIndex, total]);

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label}: memory use over the last 10 minutes, peak ${formatPercent(peak, total)}`}>
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} className="chart-grid" x1={0} x2={W} y1={H * f} y2={H * f} />
        ))}
        {area ? <path className="chart-area" d={area} /> : null}
        {line ? <path className="chart-line" d={line} vectorEffect="non-scaling-stroke" /> : null}
      </svg>
      <figcaption className="chart-axis faint">
        <span>10 min ago</span>
        {line ? null : <span>collecting samples…</span>}
        <span>now</span>
      </figcaption>
    </figure>
  );
}
