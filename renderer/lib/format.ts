import { humanBytes } from '../../shared/units.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Time left until an idle deadline, as a clock reads: `14:59`, `1:02:03`; `due` once it has passed
 * (the watchdog acts on its own interval, so a row can sit at zero for a moment). Rounds up so the
 * countdown reaches 0:00 exactly at the deadline, not a second early.
 */
export function formatCountdown(deadline: string | null, nowMs: number): string {
  if (!deadline) return '—';
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return '—';
  const left = Math.ceil((at - nowMs) / 1000);
  if (left <= 0) return 'due';
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`;
}

/** Local wall-clock time with seconds, e.g. `21:05:03`. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `5.2 / 24.0 GiB` with the unit once. */
export function formatUsage(used: number, total: number): string {
  const [u, unit] = humanBytes(used).split(' ');
  const [t, totalUnit] = humanBytes(total).split(' ');
  return unit === totalUnit ? `${u} / ${t} ${unit}` : `${humanBytes(used)} / ${humanBytes(total)}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  return `${Math.round((part / whole) * 100)}%`;
}

/** A chart span in words: `45 s`, `3 min`, `10 min`. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.round(s / 60)} min`;
}
