import { describe, expect, it } from 'vitest';
import { createSystemClock, MAX_TIMER_MS, type TimerHost } from '../../../electron/engine/platform/clock.js';

/** The host's timers, recorded: each armed delay, and a way to fire the pending one. */
function recordingHost() {
  const armed: number[] = [];
  let pending: { fn: () => void; id: number } | null = null;
  let nextId = 0;
  const host: TimerHost = {
    now: () => 0,
    setTimeout(fn, ms) {
      armed.push(ms);
      const id = ++nextId;
      pending = { fn, id };
      return { id, unref: () => undefined } as { unref(): unknown };
    },
    clearTimeout(handle) {
      if (pending && (handle as { id: number }).id === pending.id) pending = null;
    },
  };
  const fire = () => {
    const p = pending;
    pending = null;
    p?.fn();
  };
  return { host, armed, fire, hasPending: () => pending !== null };
}

// Issue 8: a delay of 2^31 ms or more made Node fire after 1 ms (health_timeout failed every load).
describe('systemClock timers', () => {
  it('waits out a delay longer than a host timer holds in steps', () => {
    const { host, armed, fire } = recordingHost();
    let fired = 0;
    createSystemClock(host).setTimeout(() => fired++, 2 * MAX_TIMER_MS + 10);
    expect(armed).toEqual([MAX_TIMER_MS]);
    fire();
    expect(fired).toBe(0);
    fire();
    expect(fired).toBe(0);
    expect(armed).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, 10]);
    fire();
    expect(fired).toBe(1);
  });

  it('cancels a chained wait at any step', () => {
    const { host, fire, hasPending } = recordingHost();
    let fired = 0;
    const timer = createSystemClock(host).setTimeout(() => fired++, MAX_TIMER_MS + 1);
    fire();
    timer.cancel();
    expect(hasPending()).toBe(false);
    expect(fired).toBe(0);
  });

  it('arms a short delay once', () => {
    const { host, armed, fire } = recordingHost();
    let fired = 0;
    createSystemClock(host).setTimeout(() => fired++, 250);
    fire();
    expect(armed).toEqual([250]);
    expect(fired).toBe(1);
  });
});
