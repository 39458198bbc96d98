// Durations and sizes as the config file writes them (CONTRACT §2). Pure: used by the engine,
// the API validation and the renderer's settings form alike.

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration a setting takes: one year. Longer ones are almost surely a typo (seconds
 * written as milliseconds), and past about 270,000 years a deadline is no longer a valid date.
 */
export const MAX_DURATION_MS = 365 * 24 * 3_600_000;
export const MAX_DURATION_MESSAGE = 'at most 8760h (one year); use 0 to turn a timeout off';

/** `500ms`, `10s`, `15m`, `1h`, or a number of seconds. Returns milliseconds, or null if malformed. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const m = DURATION.exec(value.trim());
  if (!m) return null;
  const unit = m[2] ?? 's';
  return Math.round(Number(m[1]) * (DURATION_MS[unit] ?? 1000));
}

/** The shortest exact spelling: 900000 → `15m`, 1500 → `1500ms`, 0 → `0`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/i;
const SIZE_BYTES: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** `512MiB`, `6GiB`, `6GB`, or a number of bytes. Returns bytes, or null if malformed. */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const m = SIZE.exec(value.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * (SIZE_BYTES[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

/** Exact binary spelling where possible (`512MiB`), else bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

/** Human display, one decimal: 5368709120 → `5.0 GiB`. */
export function humanBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
