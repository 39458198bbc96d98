import { describe, expect, it } from 'vitest';
import type { LoadoutError } from '../../../shared/errors.js';
import type { Engine, Lease } from '../../../electron/engine/engine.js';
import type { MemoryOracle } from '../../../electron/engine/gpu/memory-oracle.js';
import { config, harness, model, settle } from './harness.js';

/** For a call that must be refused: its error (a lease would fail the test). */
function notRefused(): LoadoutError {
  throw new Error('expected a refusal, got a lease');
}

/** A client sending `n` requests one after another to one model; returns how many were served. */
async function client(engine: Engine, name: string, n: number, work: () => Promise<void>): Promise<number> {
  let served = 0;
  for (let i = 0; i < n; i++) {
    const lease = await engine.acquire(engine.resolve(name)!, 'request');
    served++;
    await work();
    lease.release();
  }
  return served;
}

describe('two clients on one slot (the livelock)', () => {
  for (const [label, models, wd] of [
    ['under max_active 1', [model('a'), model('b')], { maxActive: 1 }],
    ['in one concurrency group', [model('a', { groups: ['g'] }), model('b', { groups: ['g'] })], { maxActive: 0 }],
  ] as const) {
    it(`serves every request of both clients ${label}, with at most one start per request`, async () => {
      const h = harness([...models], wd);
      const [a, b] = await Promise.all([client(h.engine, 'a', 5, settle), client(h.engine, 'b', 5, settle)]);
      expect([a, b]).toEqual([5, 5]);
      expect(h.launcher.created.length).toBeLessThanOrEqual(10);
      expect(h.ofType('load_refused')).toHaveLength(0);
    });
  }

  it('counts a waiting request in flight in the same step as its instance becomes ready', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1 });
    h.launcher.autoReady = false;
    const first = h.engine.acquire(h.engine.resolve('a')!, 'request');
    (await h.launcher.nth(1)).ready();
    const leaseA = await first;
    const forB = h.engine.acquire(h.engine.resolve('b')!, 'request');
    await settle();
    expect(h.engine.getModel('b').queued).toBe(1);
    // a's request ends: b's load evicts a and starts b; a's next request then waits for a.
    leaseA.release();
    const b = await h.launcher.nth(2);
    expect(b.model).toBe('b');
    const againA = h.engine.acquire(h.engine.resolve('a')!, 'request');
    await settle();
    b.ready();
    // The moment b is ready, its request is in flight: a's waiting load cannot find b idle.
    const seen: number[] = [];
    const off = h.engine.onPush((p) => {
      if (p.type === 'model' && p.model.name === 'b' && p.model.state === 'ready') seen.push(p.model.inflight);
    });
    const leaseB = await forB;
    await settle();
    off();
    expect(seen.every((n) => n >= 1)).toBe(true);
    expect(h.engine.getModel('b')).toMatchObject({ state: 'ready', inflight: 1, queued: 0 });
    expect(h.engine.getModel('a').queued).toBe(1);
    expect(b.stops).toHaveLength(0);
    leaseB.release();
    (await h.launcher.nth(3)).ready();
    (await againA).release();
  });
});

describe('turns (max_turn)', () => {
  it('serves requests queued for a resident model before it is swapped, but ends its turn after max_turn', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, maxTurnMs: 30_000, evictionRetries: 1000, evictionRetryIntervalMs: 1000 });
    const slotA = h.engine.resolve('a')!;
    const held = await h.engine.acquire(slotA, 'request'); // continuous demand on a
    const forB = h.engine.acquire(h.engine.resolve('b')!, 'request');
    await settle();
    // Within the turn, a keeps taking requests.
    const more = await h.engine.acquire(slotA, 'request');
    expect(h.engine.getModel('a').inflight).toBe(2);
    h.clock.advance(30_000);
    await settle();
    // The turn is over: a new request for a waits for a's next start instead of joining.
    const late = h.engine.acquire(slotA, 'request');
    await settle();
    expect(h.engine.getModel('a')).toMatchObject({ inflight: 2, queued: 1 });
    held.release();
    more.release();
    const leaseB = await forB;
    expect(leaseB.model).toBe('b');
    expect(h.ofType('model_evicted')[0]).toMatchObject({ model: 'a', reason: 'lru', data: { for: 'b' } });
    leaseB.release();
    const leaseA = await late;
    expect(leaseA.instance.id).not.toBe(held.instance.id);
    leaseA.release();
    expect(h.ofType('load_refused')).toHaveLength(0);
  });

  it('does not spend the busy budget while the blocker is still starting: a slow start is waited out', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, maxTurnMs: 0, evictionRetries: 2, evictionRetryIntervalMs: 100 });
    h.launcher.autoReady = false;
    const loadA = h.engine.acquire(h.engine.resolve('a')!, 'api');
    const a = await h.launcher.nth(1);
    const forB = h.engine.acquire(h.engine.resolve('b')!, 'request').then((l) => l, (e: unknown) => e as LoadoutError);
    // a takes 50 budgets to start; b's load waits without being refused.
    for (let i = 0; i < 50; i++) {
      await settle();
      h.clock.advance(100);
    }
    expect(h.ofType('load_refused')).toHaveLength(0);
    a.ready();
    (await loadA).release();
    const b = await h.launcher.nth(2);
    b.ready();
    const leaseB = await forB;
    expect('model' in leaseB && leaseB.model).toBe('b');
    expect(h.ofType('model_evicted')[0]).toMatchObject({ model: 'a', reason: 'lru', data: { for: 'b' } });
    if ('release' in leaseB) leaseB.release();
  });

  it('takes requests again when the load that waited for it gives up', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, maxTurnMs: 1000, evictionRetries: 2, evictionRetryIntervalMs: 1000 });
    const slotA = h.engine.resolve('a')!;
    const held = await h.engine.acquire(slotA, 'request');
    const forB = h.engine.acquire(h.engine.resolve('b')!, 'request').then(notRefused, (e: unknown) => e as LoadoutError);
    for (let i = 0; i < 4; i++) {
      await settle();
      h.clock.advance(1000);
    }
    expect((await forB).code).toBe('busy');
    const again: Lease = await h.engine.acquire(slotA, 'request'); // granted at once: nobody waits now
    expect(again.instance).toBe(held.instance);
    again.release();
    held.release();
  });
});

describe('load-failure cooldown', () => {
  it('refuses requests with 503 load_cooldown and Retry-After without spawning, doubling per failure; explicit loads retry', async () => {
    const h = harness([model('m')], { loadFailureCooldownMs: 10_000, loadFailureCooldownMaxMs: 25_000 });
    h.launcher.autoReady = false;
    const slot = h.engine.resolve('m')!;
    const first = h.engine.acquire(slot, 'request').then(notRefused, (e: unknown) => e as LoadoutError);
    (await h.launcher.nth(1)).failStart(2, 'fatal: model file not found');
    expect((await first).code).toBe('load_failed');
    const refusals = await Promise.all(Array.from({ length: 10 }, () => h.engine.acquire(slot, 'request').then(notRefused, (e: unknown) => e as LoadoutError)));
    expect(h.launcher.created).toHaveLength(1);
    expect(refusals.every((e) => e.code === 'load_cooldown' && e.status === 503 && e.details.retry_after_s === 10)).toBe(true);
    expect(refusals[0]!.message).toContain('fatal: model file not found');
    expect(refusals[0]!.details.exit_code).toBe(2);
    expect(h.ofType('load_refused')).toMatchObject([{ reason: 'cooldown', model: 'm' }]); // one per window
    expect(h.engine.getModel('m').cooldown_until).toBe(new Date(h.clock.now() + 10_000).toISOString());

    h.clock.advance(10_000);
    const second = h.engine.acquire(slot, 'request').then(notRefused, (e: unknown) => e as LoadoutError);
    (await h.launcher.nth(2)).failStart(2, 'fatal again');
    expect((await second).code).toBe('load_failed');
    expect(((await h.engine.acquire(slot, 'request').catch((e: unknown) => e)) as LoadoutError).details.retry_after_s).toBe(20);
    h.clock.advance(20_000);
    const third = h.engine.acquire(slot, 'request').then(notRefused, (e: unknown) => e as LoadoutError);
    (await h.launcher.nth(3)).failStart(2, 'fatal');
    await third;
    expect(((await h.engine.acquire(slot, 'request').catch((e: unknown) => e)) as LoadoutError).details.retry_after_s).toBe(25); // the max

    // An explicit load always tries; success clears the cooldown.
    const load = h.engine.load('m', 'api');
    (await h.launcher.nth(4)).ready();
    expect((await load).cooldown_until).toBeNull();
    (await h.engine.acquire(slot, 'request')).release();
  });

  it('clears the cooldown when the model’s command changes in the config', async () => {
    const h = harness([model('m')]);
    h.launcher.autoReady = false;
    const slot = h.engine.resolve('m')!;
    const first = h.engine.acquire(slot, 'request').catch((e: unknown) => e);
    (await h.launcher.nth(1)).failStart();
    await first;
    await expect(h.engine.acquire(slot, 'request')).rejects.toMatchObject({ code: 'load_cooldown' });
    h.engine.applyConfig(config([model('m', { args: '-c 2048' })]));
    h.launcher.autoReady = true;
    (await h.engine.acquire(h.engine.resolve('m')!, 'request')).release();
    expect(h.launcher.created).toHaveLength(2);
  });
});

describe('broken backends', () => {
  it('recycles an instance whose health probe fails after a failed request, so a retry gets a fresh one', async () => {
    const h = harness([model('m')]);
    const slot = h.engine.resolve('m')!;
    const lease = await h.engine.acquire(slot, 'request');
    const first = h.launcher.created[0]!;
    first.healthy = false; // accepts nothing any more, but the process lives
    expect(await h.engine.recycleIfBroken(lease, 'ECONNREFUSED')).toBe(true);
    lease.release('failed');
    const retry = await h.engine.acquire(slot, 'request');
    expect(retry.instance.id).not.toBe(lease.instance.id);
    expect(first.stops).toEqual([{ force: true }]);
    expect(h.ofType('model_stopped')[0]).toMatchObject({ reason: 'unhealthy', data: { error: expect.stringContaining('ECONNREFUSED') } });
    retry.release();
  });

  it('keeps a healthy instance after one failed request (no recycle, no retry)', async () => {
    const h = harness([model('m')]);
    const lease = await h.engine.acquire(h.engine.resolve('m')!, 'request');
    expect(await h.engine.recycleIfBroken(lease, 'ECONNRESET')).toBe(false);
    lease.release('failed');
    expect(h.launcher.created[0]!.stops).toHaveLength(0);
  });

  it('recycles a ready backend after 3 failed periodic health checks, not before', async () => {
    const h = harness([model('m')], { healthCheckIntervalMs: 10_000, intervalMs: 500 });
    await h.engine.load('m', 'api');
    const b = h.launcher.created[0]!;
    b.healthy = false;
    for (let i = 1; i <= 2; i++) {
      h.clock.advance(10_000);
      h.engine.watchdog.tick();
      await settle();
      expect(b.probes).toBe(i);
      expect(b.stops).toHaveLength(0);
    }
    h.clock.advance(10_000);
    h.engine.watchdog.tick();
    await settle();
    expect(b.stops).toEqual([{ force: true }]);
    expect(h.engine.getModel('m').error).toMatchObject({ code: 'unhealthy' });
  });

  it('never runs two probes of one instance at once (a hanging backend)', async () => {
    const h = harness([model('m')], { healthCheckIntervalMs: 1000 });
    await h.engine.load('m', 'api');
    const b = h.launcher.created[0]!;
    let open!: () => void;
    b.hang = new Promise((r) => (open = r));
    for (let i = 0; i < 5; i++) {
      h.clock.advance(1000);
      h.engine.watchdog.tick();
      await settle();
    }
    expect(b.probes).toBe(1);
    open();
  });

  it('does not count a failed request as use: the idle timeout still fires', async () => {
    const h = harness([model('m')], { idleTimeoutMs: 60_000 });
    const slot = h.engine.resolve('m')!;
    await h.engine.load('m', 'api');
    const loadedIdle = h.engine.getModel('m').idle_deadline;
    h.clock.advance(30_000);
    (await h.engine.acquire(slot, 'request')).release('failed');
    expect(h.engine.getModel('m').idle_deadline).toBe(loadedIdle);
  });
});

describe('stops and new requests', () => {
  it('lets a request that arrives during a graceful stop wait for the next start', async () => {
    const h = harness([model('m')]);
    const slot = h.engine.resolve('m')!;
    const stuck = await h.engine.acquire(slot, 'request');
    const unload = h.engine.unload('m');
    await settle();
    expect(h.engine.getModel('m').state).toBe('stopping');
    const next = h.engine.acquire(slot, 'request');
    await settle();
    expect(h.engine.getModel('m').queued).toBe(1);
    stuck.release();
    await unload;
    const lease = await next;
    expect(lease.instance.id).not.toBe(stuck.instance.id);
    expect(h.launcher.created).toHaveLength(2);
    lease.release();
  });

  it('drains requests in flight on shutdown: the backend stops once the last one ends (within drain_timeout)', async () => {
    const h = harness([model('m')], { drainTimeoutMs: 30_000 });
    const lease = await h.engine.acquire(h.engine.resolve('m')!, 'request');
    const down = h.engine.shutdown();
    await settle();
    h.clock.advance(10_000);
    await settle();
    expect(h.launcher.created[0]!.stops).toHaveLength(0); // still serving its request
    lease.release();
    await down;
    expect(h.launcher.created[0]!.stops).toEqual([{ force: false }]);
    expect(h.ofType('model_stopped')[0]).toMatchObject({ reason: 'shutdown' });
    expect(h.ofType('model_stopped')[0]!.data).not.toHaveProperty('drained');
  });

  it('answers every waiting request when shutdown comes, and starts nothing more', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, evictionRetries: 100 });
    const held = await h.engine.acquire(h.engine.resolve('a')!, 'request');
    const waiting = [1, 2, 3].map(() => h.engine.acquire(h.engine.resolve('b')!, 'request').then(notRefused, (e: unknown) => e as LoadoutError));
    await settle();
    const down = h.engine.shutdown();
    held.release();
    expect((await Promise.all(waiting)).map((e) => e.code)).toEqual(['shutting_down', 'shutting_down', 'shutting_down']);
    await down;
    expect(h.launcher.created.map((c) => c.model)).toEqual(['a']);
  });
});

describe('memory ledger', () => {
  const GiB = 1024 ** 3;
  function oracle(total: number, used: () => number): MemoryOracle {
    return {
      info: () => ({ at: 1, kind: 'gpu', devices: [{ index: 0, total, used: used() }] }),
      devicesOf: () => null,
      needOf: (m) => m.vramBytes,
      released: async () => true,
    };
  }

  it('never starts two loads that do not fit together: the second waits for the first', async () => {
    const h = harness([model('a', { vramBytes: 14 * GiB }), model('b', { vramBytes: 14 * GiB })], { vramHeadroomBytes: 0, evictionRetries: 100, maxTurnMs: 0 });
    let used = 0; // the starting models have not allocated yet
    h.engine.attachMemory(oracle(24 * GiB, () => used));
    h.launcher.autoReady = false;
    const loadA = h.engine.load('a', 'api');
    const loadB = h.engine.load('b', 'api');
    await settle();
    expect(h.launcher.created.map((c) => c.model)).toEqual(['a']);
    expect(h.engine.getModel('b').state).toBe('starting'); // waiting for room
    h.launcher.created[0]!.ready();
    await loadA;
    used = 14 * GiB;
    h.engine.setVram(new Map([['a', 14 * GiB]]));
    h.launcher.autoReady = true;
    await loadB; // a is idle now: evicted for memory
    expect(h.ofType('model_evicted')).toMatchObject([{ model: 'a', reason: 'memory', data: { for: 'b' } }]);
    expect(h.launcher.live('a')).toHaveLength(0);
  });
});

describe('memory reclaimer, per device', () => {
  const GiB = 1024 ** 3;
  it('evicts an idle model from the one full GPU even when the sum over all GPUs is low', async () => {
    const h = harness([model('on0', { env: { CUDA_VISIBLE_DEVICES: '0' } }), model('on1', { env: { CUDA_VISIBLE_DEVICES: '1' } })], { memoryReclaimer: true, memoryThreshold: 0.9 });
    let at = 1;
    const devices = [{ index: 0, total: 24 * GiB, used: 23.5 * GiB }, { index: 1, total: 24 * GiB, used: 1 * GiB }, { index: 2, total: 24 * GiB, used: 0 }];
    h.engine.attachMemory({
      info: () => ({ at, kind: 'gpu', devices }),
      devicesOf: (m) => (m.env.CUDA_VISIBLE_DEVICES ? [Number(m.env.CUDA_VISIBLE_DEVICES)] : null),
      needOf: () => null,
      released: async () => true,
    });
    await h.engine.load('on1', 'api');
    h.clock.advance(1000);
    await h.engine.load('on0', 'api'); // on1 is the least recently used, but its GPU has room
    h.engine.setVram(new Map([['on0', 20 * GiB], ['on1', 1 * GiB]]));
    for (let i = 0; i < 2; i++) {
      at++;
      h.engine.watchdog.tick();
      await settle();
    }
    expect(h.ofType('model_evicted')).toMatchObject([{ model: 'on0', reason: 'memory' }]);
    expect(h.ofType('model_evicted')[0]!.message).toMatch(/GPU 0 memory at 97\.9%/);
    expect(h.engine.getModel('on1').state).toBe('ready');
  });
});

describe('preflight plan', () => {
  it('says what a load would do, from the same decision as admission, without doing it', async () => {
    const h = harness([model('a', { groups: ['g'] }), model('b', { groups: ['g'] }), model('p', { pinned: true, groups: ['x'] }), model('q', { groups: ['x'] })]);
    expect(h.engine.plan('a')).toMatchObject({ action: 'load', evict: [], waits: false });
    await h.engine.load('a', 'api');
    await h.engine.load('p', 'api');
    expect(h.engine.plan('a')).toMatchObject({ action: 'ready' });
    expect(h.engine.plan('b')).toMatchObject({ action: 'load', evict: [{ name: 'a', reason: 'group', group: 'g' }] });
    expect(h.engine.plan('q')).toMatchObject({ action: 'refuse', code: 'pinned_conflict', blocked_by: ['p'] });
    const lease = await h.engine.acquire(h.engine.resolve('a')!, 'request');
    expect(h.engine.plan('b')).toMatchObject({ action: 'load', waits: true, blocked_by: ['a'] });
    lease.release();
    expect(h.launcher.created).toHaveLength(2);
    expect(h.ofType('model_evicted')).toHaveLength(0);
    expect(h.ofType('load_refused')).toHaveLength(0);
  });
});
