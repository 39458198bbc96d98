import { nextCooldown, type Cooldown } from '../loader/cooldown.js';

/** What the pinned-model keeper knows of one model at a tick. */
export interface KeptModel {
  name: string;
  pinned: boolean;
  /** A ready instance (restarts in a row are forgiven once it outlives its hold). */
  ready: boolean;
  /** Starting, ready or stopping, a load in progress or waiting for room, or removed from the config. */
  active: boolean;
  /** Unloaded by hand since it was last started or pinned: left stopped until then. */
  released: boolean;
  /** The load-failure cooldown: requests are refused until then (ms epoch), or null. */
  cooldownUntil: number | null;
}

/** The keeper's own hold per model: restarts in a row, and when the next one may come. */
export type Restarts = ReadonlyMap<string, Cooldown>;

export interface KeepDecision {
  /** Pinned models to start now. */
  start: string[];
  /** Models whose restart count is forgiven: ready past their hold. */
  settled: string[];
}

/**
 * Pin means kept loaded (issue 10): a pinned model that is not running, and that nobody unloaded by
 * hand, is started — unless its load-failure cooldown or the keeper's own hold says wait. The hold
 * doubles per restart in a row (a crash loop, or a load refused for want of room), so a model that
 * cannot stay up is retried ever more slowly instead of every tick.
 */
export function keepPinned(now: number, models: readonly KeptModel[], restarts: Restarts): KeepDecision {
  const start: string[] = [];
  const settled: string[] = [];
  for (const m of models) {
    const hold = restarts.get(m.name);
    if (hold && (!m.pinned || (m.ready && now >= hold.until))) settled.push(m.name);
    if (!m.pinned || m.active || m.released) continue;
    if ((m.cooldownUntil ?? 0) > now || (hold?.until ?? 0) > now) continue;
    start.push(m.name);
  }
  return { start, settled };
}

/** The hold after the keeper starts a model: `baseMs` doubling per restart in a row, up to `maxMs`. */
export function holdAfterStart(prev: Cooldown | undefined, now: number, baseMs: number, maxMs: number): Cooldown {
  // Even with the load-failure cooldown turned off, a crash loop is not restarted every tick.
  return nextCooldown(prev ?? null, now, Math.max(baseMs, MIN_HOLD_MS), maxMs)!;
}

/** The shortest hold between two restarts in a row of one model. */
export const MIN_HOLD_MS = 1000;
