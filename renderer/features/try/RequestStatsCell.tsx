import type { ReactNode } from 'react';
import type { RequestStatsView } from '../../../shared/model-view.js';
import { formatLatency, statsLine } from './stats-line.js';

/**
 * A model's request stats, compact: count (and errors) beside `action` (the Try button) on top, rate
 * and median latency below. The group's name says all of it in words.
 */
export function RequestStatsCell({ name, stats, action }: { name: string; stats: RequestStatsView; action: ReactNode }) {
  const rate = [stats.tokens_per_s !== null ? `${compactRate(stats.tokens_per_s)} tok/s` : '', stats.p50_latency_ms !== null ? `p50 ${formatLatency(stats.p50_latency_ms)}` : ''].filter(Boolean).join(' · ');
  return (
    <div className="req-cell">
      <div className="req-top">
        <span className={`req-count${stats.requests === 0 ? ' faint' : ''}`} role="group" aria-label={`Requests to ${name}: ${statsLine(stats)}`}>
          <span aria-hidden="true">
            {stats.requests === 0 ? '—' : `${stats.requests} req`}
            {stats.errors > 0 ? <span className="req-errors"> · {stats.errors} err</span> : null}
          </span>
        </span>
        {action}
      </div>
      {rate ? <span className="req-rate faint">{rate}</span> : null}
    </div>
  );
}

/** Whole tokens per second from 10 up: the row has room for about twenty characters. */
function compactRate(t: number): string {
  return t >= 10 ? String(Math.round(t)) : String(t);
}
