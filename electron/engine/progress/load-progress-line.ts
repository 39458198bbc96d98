/**
 * A backend's own report of how far its model load has come, as a fraction 0..1, or null when the line
 * is not such a report. The built-in backend prints `load_progress: 40%` (backends/builtin/llama-runtime.ts);
 * llama-server prints nothing reliable (a row of dots), so its loads have no percentage.
 */
const LOAD_PROGRESS = /^load_progress:\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$/;

export function parseLoadProgress(line: string): number | null {
  const m = LOAD_PROGRESS.exec(line.trim());
  if (!m) return null;
  const pct = Number(m[1]);
  return pct >= 0 && pct <= 100 ? pct / 100 : null;
}
