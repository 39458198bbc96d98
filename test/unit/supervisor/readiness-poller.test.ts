import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import type { HealthProbeResult } from '../../../electron/engine/supervisor/health-probe.js';
import { ReadinessPoller } from '../../../electron/engine/supervisor/readiness-poller.js';

// The load path's first step: how soon a backend that starts answering is noticed, on fake time.

const DOWN: HealthProbeResult = { state: 'down', reason: 'ECONNREFUSED' };
const OK: HealthProbeResult = { state: 'ok', reason: 'HTTP 200' };

/** Lets promise chains settle (no time passes on the fake clock). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A poller whose probes are answered by the test: each call is recorded with its start time. */
function setup() {
  const clock = new FakeClock();
  const t0 = clock.now();
  const calls: { at: number; answer: (r: HealthProbeResult) => void }[] = [];
  const poller = new ReadinessPoller(0, '/health', clock, (signal) =>
    new Promise((resolve) => {
      calls.push({ at: clock.now() - t0, answer: resolve });
      signal.addEventListener('abort', () => resolve({ state: 'down', reason: 'aborted' }), { once: true });
    }),
  );
  const ctl = new AbortController();
  let outcome: boolean | null = null;
  void poller.run(ctl.signal).then((ok) => (outcome = ok));
  /** Answers the newest probe and lets the poller go on. */
  const answer = async (r: HealthProbeResult) => {
    calls.at(-1)!.answer(r);
    await settle();
  };
  return { clock, calls, poller, ctl, answer, outcome: () => outcome };
}

describe('ReadinessPoller', () => {
  it('probes at once, then after gaps of 1, 2, 4, 8, 16 and then 25 ms', async () => {
    const s = setup();
    for (const gap of [1, 2, 4, 8, 16, 25, 25]) {
      await s.answer(DOWN);
      const before = s.calls.length;
      s.clock.advance(gap - 1);
      expect(s.calls).toHaveLength(before);
      s.clock.advance(1);
      expect(s.calls).toHaveLength(before + 1);
    }
    expect(s.calls.map((c) => c.at)).toEqual([0, 1, 3, 7, 15, 31, 56, 81]);
    expect(s.poller.lastReason).toBe('ECONNREFUSED');
    expect(s.outcome()).toBeNull();
  });

  it('a kick during a gap opens the next probe within the kick itself, without waiting for a tick', async () => {
    const s = setup();
    await s.answer(DOWN);
    s.poller.kick();
    expect(s.calls).toHaveLength(2); // synchronous: no await between the kick and the probe
    expect(s.clock.pending()).toBe(0); // the gap's timer is gone
    await s.answer(OK);
    expect(s.outcome()).toBe(true);
  });

  it('a kick while a probe is in flight: the next follows 2 ms after that one began, or at once if that is past', async () => {
    const s = setup();
    s.poller.kick(); // while the first probe is in flight
    await s.answer(DOWN);
    expect(s.calls).toHaveLength(1);
    s.clock.advance(1);
    expect(s.calls).toHaveLength(1); // not the 1 ms gap: the minimum gap after a kick is 2 ms
    s.poller.kick(); // does not cut the minimum gap short
    expect(s.calls).toHaveLength(1);
    s.clock.advance(1);
    expect(s.calls.map((c) => c.at)).toEqual([0, 2]);
    // A slow probe (3 ms) with a kick in its middle: the next starts as soon as it ends.
    s.clock.advance(3);
    s.poller.kick();
    await s.answer(DOWN);
    expect(s.calls.map((c) => c.at)).toEqual([0, 2, 5]);
    expect(s.clock.pending()).toBe(0);
  });

  it('stops with false when aborted during a gap or during a probe, and leaves no timer behind', async () => {
    const s = setup();
    await s.answer(DOWN);
    s.ctl.abort();
    await settle();
    expect(s.outcome()).toBe(false);
    expect(s.clock.pending()).toBe(0);
    const t = setup();
    t.ctl.abort(); // the probe in flight gets the abort
    await settle();
    expect(t.outcome()).toBe(false);
    expect(t.clock.pending()).toBe(0);
  });

  it('a loading backend (503) is probed on the same schedule and its reason kept', async () => {
    const s = setup();
    await s.answer({ state: 'loading', reason: 'HTTP 503' });
    expect(s.poller.lastReason).toBe('HTTP 503');
    s.clock.advance(1);
    expect(s.calls).toHaveLength(2);
    await s.answer(OK);
    expect(s.outcome()).toBe(true);
  });
});
