import type { RequestStatsView } from '../../../shared/model-view.js';

/** `420 ms`, `1.2 s`. */
export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The figures as one line of words, for the row and its accessible name. */
export function statsLine(s: RequestStatsView): string {
  if (s.requests === 0) return 'no requests yet';
  const parts = [`${s.requests} ${s.requests === 1 ? 'request' : 'requests'}`];
  if (s.errors > 0) parts.push(`${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`);
  if (s.tokens_per_s !== null) parts.push(`${s.tokens_per_s} tok/s`);
  if (s.p50_latency_ms !== null) parts.push(`p50 ${formatLatency(s.p50_latency_ms)}`);
  return parts.join(' · ');
}
