/** How many of a model's last successful loads its estimate is drawn from. */
export const LOAD_HISTORY = 5;

/**
 * The expected duration of a model's next load: the median of its last `LOAD_HISTORY` successful load
 * durations (ms), or null without any. The median, so one cold start after a reboot (page cache
 * empty) or one lucky warm start does not swing the estimate.
 */
export function estimateLoadMs(durations: readonly number[]): number | null {
  const recent = durations.filter((d) => Number.isFinite(d) && d >= 0).slice(-LOAD_HISTORY).sort((a, b) => a - b);
  const n = recent.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  return Math.round(n % 2 === 1 ? recent[mid]! : (recent[mid - 1]! + recent[mid]!) / 2);
}

/** The durations kept after a new one: the last `LOAD_HISTORY`, oldest first. */
export function appendDuration(durations: readonly number[], ms: number): number[] {
  return [...durations, Math.max(0, Math.round(ms))].slice(-LOAD_HISTORY);
}
