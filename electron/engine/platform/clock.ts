/** Time is injected (ARCHITECTURE principle 4): policies and timers never read the wall clock directly. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
}

/** The longest delay a Node (and browser) timer holds; a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The host's timer functions, injectable so that the chaining of long delays can be tested. */
export interface TimerHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): { unref?(): unknown };
  clearTimeout(handle: unknown): void;
}

/**
 * A Clock over the host's timers. Delays longer than a timer holds are waited out in steps, so a
 * `health_timeout` or `idle_timeout` of 25 days waits 25 days instead of firing at once (issue 8).
 */
export function createSystemClock(host: TimerHost): Clock {
  return {
    now: () => host.now(),
    setTimeout(fn, ms) {
      let handle: { unref?(): unknown };
      let left = Number.isNaN(ms) ? 0 : Math.max(0, ms);
      const arm = () => {
        const step = Math.min(left, MAX_TIMER_MS);
        left -= step;
        handle = host.setTimeout(left > 0 ? arm : fn, step);
        handle.unref?.();
      };
      arm();
      return { cancel: () => host.clearTimeout(handle) };
    },
  };
}

export const systemClock: Clock = createSystemClock({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
});

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
