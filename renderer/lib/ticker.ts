import type { Timers } from '../transport/sse-stream.js';

/**
 * One clock for every countdown on the page: rows subscribe to it instead of each running a timer,
 * and it runs only while something is subscribed.
 */
export interface Ticker {
  subscribe(listener: () => void): () => void;
  now(): number;
}

export function createTicker(intervalMs: number, timers: Timers & { clock: () => number }): Ticker {
  const listeners = new Set<() => void>();
  let now = timers.clock();
  let handle: unknown = null;

  const tick = (): void => {
    now = timers.clock();
    for (const l of listeners) l();
    // Re-arm aligned to the next whole interval so every countdown changes in the same frame.
    handle = timers.setTimeout(tick, intervalMs - (now % intervalMs));
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      // A countdown that mounts between ticks must not start from a stale clock (it would show 30:01).
      now = timers.clock();
      if (handle === null) {
        handle = timers.setTimeout(tick, intervalMs - (now % intervalMs));
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && handle !== null) {
          timers.clearTimeout(handle);
          handle = null;
        }
      };
    },
    now: () => now,
  };
}
