import { useMemo } from 'react';
import { GPU_HISTORY_MS } from '../../store/state.js';
import { useDashboard } from '../../store/hooks.js';
import { logAt, logLast } from '../../store/append-log.js';
import { formatPercent, formatSpan } from '../../lib/format.js';
import { modelColorVar } from '../../lib/model-color.js';
import { chartPaths, deviceSeries, modelBands } from './vram-data.js';

const W = 320;
const H = 64;

/** One device over the last ten minutes: each model's memory stacked, the device's total as a line. */
/** `position` is the device's place in the snapshot (history rows are positional). */
export function HistoryChart({ position, total, label }: { position: number; total: number; label: string }) {
  const history = useDashboard((s) => s.gpuHistory);
  const { line, area, bands, peak, spanMs } = useMemo(() => {
    const last = logLast(history);
    const first = logAt(history, 0);
    const to = last ? Date.parse(last.at) : 0;
    // The window is the last ten minutes, or less while fewer samples exist (the chart fills its width).
    const from = first ? Math.max(to - GPU_HISTORY_MS, Date.parse(first.at)) : to - GPU_HISTORY_MS;
    const series = deviceSeries(history, position, from);
    const paths = chartPaths(series, total, W, H, from, to);
    return { ...paths, bands: modelBands(history, position, total, W, H, from, to), peak: series.reduce((m, p) => Math.max(m, p.used), 0), spanMs: to - from };
  }, [history, position, total]);

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label}: memory use over the last ${formatSpan(spanMs)}, peak ${formatPercent(peak, total)}`}>
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} className="chart-grid" x1={0} x2={W} y1={H * f} y2={H * f} />
        ))}
        {area ? <path className="chart-area" d={area} /> : null}
        {bands.map((b) => (
          <path key={b.model} className="chart-band" d={b.d} style={{ fill: modelColorVar(b.model) }} />
        ))}
        {line ? <path className="chart-line" d={line} vectorEffect="non-scaling-stroke" /> : null}
      </svg>
      <figcaption className="chart-axis faint">
        <span>{formatSpan(spanMs)} ago</span>
        {line ? null : <span>collecting samples…</span>}
        <span>now</span>
      </figcaption>
    </figure>
  );
}
