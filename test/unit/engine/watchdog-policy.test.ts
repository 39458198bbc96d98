import { describe, expect, it } from 'vitest';
import { decideWatchdog, idleDeadline, type WatchedInstance } from '../../../electron/engine/watchdog/policy.js';

const rules = { idleCheck: true, idleTimeoutMs: 10_000, busyCheck: true, busyTimeoutMs: 60_000 };
const w = (o: Partial<WatchedInstance>): WatchedInstance => ({ name: 'm', instance: 1, state: 'ready', pinned: false, inflight: 0, busySince: null, idleSince: 0, ttlMs: null, ...o });

describe('watchdog policy', () => {
  it('unloads a model idle longer than idle_timeout, counted from the end of its last request', () => {
    expect(decideWatchdog(10_001, [w({ idleSince: 0 })], rules)).toEqual([{ name: 'm', instance: 1, reason: 'idle', forMs: 10_001 }]);
    expect(decideWatchdog(10_000, [w({ idleSince: 0 })], rules)).toEqual([]);
  });

  it('never unloads a model with a request in flight for idleness (LocalAI B-3)', () => {
    expect(decideWatchdog(50_000, [w({ inflight: 2, busySince: 49_000, idleSince: 0 })], rules)).toEqual([]);
  });

  it('exempts pinned models from the idle check', () => {
    expect(decideWatchdog(99_000, [w({ pinned: true })], rules)).toEqual([]);
  });

  it('uses the per-model ttl over the global timeout, and ttl 0 never expires', () => {
    expect(decideWatchdog(3_000, [w({ ttlMs: 2_000 })], rules).map((d) => d.reason)).toEqual(['idle']);
    expect(decideWatchdog(1e9, [w({ ttlMs: 0 })], rules)).toEqual([]);
  });

  it('does nothing for idleness when idle_check is off', () => {
    expect(decideWatchdog(1e9, [w({})], { ...rules, idleCheck: false })).toEqual([]);
  });

  it('kills a model whose oldest request has been in flight longer than busy_timeout, pinned or not', () => {
    const d = decideWatchdog(70_000, [w({ pinned: true, inflight: 1, busySince: 5_000 })], rules);
    expect(d).toEqual([{ name: 'm', instance: 1, reason: 'busy_timeout', forMs: 65_000 }]);
  });

  it('measures busy time from the oldest active request, so new requests do not reset it', () => {
    expect(decideWatchdog(61_000, [w({ inflight: 3, busySince: 0 })], rules).map((d) => d.reason)).toEqual(['busy_timeout']);
  });

  it('ignores starting and stopping instances', () => {
    expect(decideWatchdog(1e9, [w({ state: 'starting' }), w({ state: 'stopping', instance: 2 })], rules)).toEqual([]);
  });

  it('names the instance it decided on, so a newer start of the same model is untouched (LocalAI B-1)', () => {
    const d = decideWatchdog(20_000, [w({ instance: 7 })], rules);
    expect(d[0]!.instance).toBe(7);
  });

  it('reports the idle deadline only when the model will really be unloaded', () => {
    expect(idleDeadline(w({ idleSince: 1000 }), rules)).toBe(11_000);
    expect(idleDeadline(w({ inflight: 1 }), rules)).toBeNull();
    expect(idleDeadline(w({ pinned: true }), rules)).toBeNull();
  });
});
