import type { RequestStatsView } from '../../../shared/model-view.js';
import { formatLatency, statsLine } from './stats-line.js';

/** A model's request stats, compact: count (and errors) on top, rate and median latency below. */
export function RequestStatsCell({ name, stats }: { name: string; stats: RequestStatsView }) {
  if (stats.requests === 0) return <span className="req-stats faint" role="group" aria-label={`Requests to ${name}: ${statsLine(stats)}`}>—</span>;
  const rate = [stats.tokens_per_s !== null ? `${compactRate(stats.tokens_per_s)} tok/s` : '', stats.p50_latency_ms !== null ? `p50 ${formatLatency(stats.p50_latency_ms)}` : ''].filter(Boolean).join(' · ');
  return (
    <span className="req-stats" role="group" aria-label={`Requests to ${name}: ${statsLine(stats)}`}>
      <span className="req-count" aria-hidden="true">
        {stats.requests}
        {stats.errors > 0 ? <span className="req-errors"> · {stats.errors} err</span> : null}
      </span>
      {rate ? <span className="req-rate faint" aria-hidden="true">{rate}</span> : null}
    </span>
  );
}

/** Whole tokens per second from 10 up: the row has room for about twenty characters. */
function compactRate(t: number): string {
  return t >= 10 ? String(Math.round(t)) : String(t);
}
