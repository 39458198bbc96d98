/**
 * LocalAI's load-failure cooldown as a pure function: after a failed start, requests are refused
 * without spawning until `until`; the wait doubles with each failure in a row, up to the max.
 * A successful start or a change to the model's config clears it; an explicit load ignores it.
 */
export interface Cooldown {
  /** Failed starts in a row. */
  failures: number;
  /** ms epoch until which requests are refused. */
  until: number;
  /** Whether the `load_refused` event of this window was written (one per window, not per request). */
  announced: boolean;
}

export function nextCooldown(prev: Cooldown | null, now: number, baseMs: number, maxMs: number): Cooldown | null {
  const failures = (prev?.failures ?? 0) + 1;
  if (baseMs <= 0) return null;
  const wait = Math.min(Math.max(baseMs, maxMs), baseMs * 2 ** Math.min(failures - 1, 30));
  return { failures, until: now + wait, announced: false };
}

/** Seconds left, rounded up (for `Retry-After`), or 0 when the cooldown is over. */
export function cooldownLeftS(c: Cooldown | null, now: number): number {
  return c && c.until > now ? Math.ceil((c.until - now) / 1000) : 0;
}
