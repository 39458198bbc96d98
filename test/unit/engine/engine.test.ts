import { describe, expect, it } from 'vitest';
import { ModelFileInvalid } from '../../../electron/engine/loader/launcher.js';
import { LoadoutError } from '../../../shared/errors.js';
import { config, harness, model, settle } from './harness.js';

describe('loader', () => {
  it('starts one process for concurrent loads of the same model and gives every caller the same outcome', async () => {
    const h = harness([model('m')]);
    h.launcher.autoReady = false;
    const calls = Array.from({ length: 5 }, () => h.engine.load('m', 'api'));
    (await h.launcher.nth(1)).ready();
    const views = await Promise.all(calls);
    expect(h.launcher.created).toHaveLength(1);
    expect(new Set(views.map((v) => v.pid)).size).toBe(1);
    expect(h.ofType('model_starting')).toHaveLength(1);
  });

  it('gives every waiting caller the leader’s failure, then lets the next caller retry', async () => {
    const h = harness([model('m')]);
    h.launcher.autoReady = false;
    const calls = [h.engine.load('m', 'api'), h.engine.load('m', 'api')].map((p) => p.catch((e: unknown) => e));
    (await h.launcher.nth(1)).failStart(7, 'fatal: no such file');
    const [a, b] = await Promise.all(calls);
    expect(a).toBeInstanceOf(LoadoutError);
    expect(b).toBe(a);
    expect((a as LoadoutError).code).toBe('load_failed');
    expect((a as LoadoutError).message).toContain('exit code 7');
    expect(h.engine.getModel('m').state).toBe('failed');
    expect(h.engine.getModel('m').error?.exit_code).toBe(7);
    h.launcher.autoReady = true;
    expect((await h.engine.load('m', 'api')).state).toBe('ready');
    expect(h.engine.getModel('m').error).toBeNull();
  });

  it('fails a load whose model file cannot be loaded with model_file_invalid, in the error, the event and the view', async () => {
    const h = harness([model('m')]);
    h.launcher.createError = new ModelFileInvalid('model file not found: /models/absent.gguf');
    const err = await h.engine.load('m', 'api').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadoutError);
    expect(err).toMatchObject({ code: 'model_file_invalid', status: 502, message: expect.stringContaining('model file not found: /models/absent.gguf') });
    const [failed] = h.ofType('model_failed');
    expect(failed).toMatchObject({ reason: 'model_file_invalid', data: { code: 'model_file_invalid' } });
    expect(h.engine.getModel('m').error).toMatchObject({ code: 'model_file_invalid' });
    expect(h.launcher.created).toHaveLength(0);
  });

  it('keeps load_failed / spawn_failed for any other error before the backend exists', async () => {
    const h = harness([model('m')]);
    h.launcher.createError = new Error('no free port');
    const err = await h.engine.load('m', 'api').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'load_failed' });
    expect(h.ofType('model_failed')[0]).toMatchObject({ reason: 'spawn_failed' });
  });

  it('starts again on a new port when the backend lost its port to another process', async () => {
    const h = harness([model('m')]);
    h.launcher.autoReady = false;
    const load = h.engine.load('m', 'api');
    (await h.launcher.nth(1)).failStart(1, "error: couldn't bind HTTP server socket: address already in use");
    (await h.launcher.nth(2)).ready();
    expect((await load).state).toBe('ready');
    expect(h.ofType('model_failed')).toHaveLength(0);
    expect(h.ofType('model_starting')).toHaveLength(2);
  });

  it('counts requests in flight and marks the model idle only after the last one ends (LocalAI B-3)', async () => {
    const h = harness([model('m')]);
    const slot = h.engine.resolve('m')!;
    const a = await h.engine.acquire(slot, 'request');
    const b = await h.engine.acquire(slot, 'request');
    expect(h.engine.getModel('m').inflight).toBe(2);
    a.release();
    a.release(); // idempotent
    expect(h.engine.getModel('m').inflight).toBe(1);
    expect(h.engine.getModel('m').idle_deadline).toBeNull();
    h.clock.advance(1000);
    b.release();
    expect(h.engine.getModel('m').idle_deadline).toBe(new Date(h.clock.now() + 15 * 60_000).toISOString());
  });

  it('enforces concurrency groups with every watchdog check disabled (LocalAI B-8)', async () => {
    const h = harness([model('a', { groups: ['big'] }), model('b', { groups: ['big'] })], { idleCheck: false, busyCheck: false, maxActive: 0 });
    await h.engine.load('a', 'api');
    await h.engine.load('b', 'api');
    expect(h.engine.getModel('a').state).toBe('stopped');
    const [evicted] = h.ofType('model_evicted');
    expect(evicted).toMatchObject({ model: 'a', reason: 'group', data: { for: 'b', group: 'big' } });
  });

  it('waits for a busy group member up to the retry budget, then refuses with 503 busy naming it', async () => {
    const h = harness([model('a', { groups: ['big'] }), model('b', { groups: ['big'] })], { evictionRetries: 3, evictionRetryIntervalMs: 1000, maxTurnMs: 0 });
    const lease = await h.engine.acquire(h.engine.resolve('a')!, 'request');
    const load = h.engine.load('b', 'api').catch((e: unknown) => e);
    for (let i = 0; i < 4; i++) {
      await settle();
      h.clock.advance(1000);
    }
    const err = (await load) as LoadoutError;
    expect(err.code).toBe('busy');
    expect(err.details.blocking).toEqual(['a']);
    expect(h.ofType('load_refused')[0]).toMatchObject({ reason: 'busy', data: { blocking: ['a'] } });
    expect(h.engine.getModel('a').state).toBe('ready');
    lease.release();
  });

  it('admits as soon as the busy model finishes, without waiting for the next retry tick', async () => {
    const h = harness([model('a', { groups: ['big'] }), model('b', { groups: ['big'] })], { evictionRetryIntervalMs: 60_000 });
    const lease = await h.engine.acquire(h.engine.resolve('a')!, 'request');
    const load = h.engine.load('b', 'api');
    await settle();
    lease.release();
    expect((await load).state).toBe('ready');
    expect(h.engine.getModel('a').state).toBe('stopped');
  });

  it('refuses at once with pinned_conflict when a pinned model holds the group', async () => {
    const h = harness([model('a', { groups: ['big'], pinned: true }), model('b', { groups: ['big'] })]);
    await h.engine.load('a', 'api');
    await expect(h.engine.load('b', 'api')).rejects.toMatchObject({ code: 'pinned_conflict', details: { blocking: ['a'] } });
    expect(h.launcher.created).toHaveLength(1);
  });

  it('never lets two starting models exceed max_active', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, evictionRetries: 5 });
    h.launcher.autoReady = false;
    const la = h.engine.load('a', 'api');
    const lb = h.engine.load('b', 'api').catch((e: unknown) => e);
    await settle();
    expect(h.launcher.created).toHaveLength(1); // b waits: a is starting and counts against the cap
    h.launcher.created[0]!.ready();
    await la;
    await settle();
    h.clock.advance(1000);
    await settle();
    (await h.launcher.nth(2)).ready();
    await lb;
    expect(h.engine.getModel('a').state).toBe('stopped');
    expect(h.ofType('model_evicted')[0]).toMatchObject({ model: 'a', reason: 'lru', data: { for: 'b' } });
  });

  it('records a backend that dies on its own as stopped with reason exited and the model as failed', async () => {
    const h = harness([model('m')]);
    await h.engine.load('m', 'api');
    h.launcher.created[0]!.crash(139);
    await settle();
    expect(h.engine.getModel('m')).toMatchObject({ state: 'failed', pid: null, error: { code: 'exited', exit_code: 139 } });
    expect(h.ofType('model_stopped')[0]).toMatchObject({ reason: 'exited', data: { exit_code: 139 } });
  });

  it('writes pinning back and emits model_pinned once', async () => {
    const h = harness([model('m')]);
    await h.engine.setPinned('m', true);
    await h.engine.setPinned('m', true);
    expect(h.writes).toEqual([{ pinned: ['m', true] }]);
    expect(h.ofType('model_pinned')).toHaveLength(1);
    expect(h.engine.getModel('m').pinned).toBe(true);
  });

  it('answers 404 for an unknown model', async () => {
    const h = harness([]);
    await expect(h.engine.load('nope', 'api')).rejects.toMatchObject({ code: 'model_not_found' });
  });
});

describe('watchdog', () => {
  it('unloads an idle model through the one unload path, with reason idle', async () => {
    const h = harness([model('m', { ttlMs: 2000 })], { intervalMs: 500 });
    h.engine.start();
    await h.engine.load('m', 'api');
    h.clock.advance(2500);
    await settle();
    expect(h.engine.getModel('m').state).toBe('stopped');
    expect(h.ofType('model_evicted')[0]).toMatchObject({ reason: 'idle' });
    expect(h.ofType('model_stopped')[0]).toMatchObject({ reason: 'evicted' });
    h.engine.watchdog.dispose();
  });

  it('never touches a newer instance with a decision about an older one (LocalAI B-1)', async () => {
    const h = harness([model('m', { ttlMs: 1000 })], { intervalMs: 500 });
    await h.engine.load('m', 'api');
    const first = h.launcher.created[0]!;
    h.clock.advance(1500);
    const stale = h.engine.watchdog.decide(); // about the first instance, idle past its ttl
    expect(stale).toMatchObject([{ name: 'm', reason: 'idle' }]);
    await h.engine.unload('m');
    await h.engine.load('m', 'api');
    h.engine.watchdog.apply(stale); // arrives late, after a new start of the same model
    await settle();
    expect(first.stops).toHaveLength(1);
    expect(h.launcher.created[1]!.stops).toHaveLength(0);
    expect(h.engine.getModel('m').state).toBe('ready');
  });

  it('kills a stuck request with a forced stop (no waiting on it), pinned or not (LocalAI B-4)', async () => {
    const h = harness([model('m', { pinned: true })], { busyCheck: true, busyTimeoutMs: 5000 });
    const lease = await h.engine.acquire(h.engine.resolve('m')!, 'request');
    h.clock.advance(6000);
    h.engine.watchdog.tick();
    await settle();
    expect(h.launcher.created[0]!.stops).toEqual([{ force: true }]);
    expect(h.ofType('model_evicted')[0]).toMatchObject({ reason: 'busy_timeout' });
    lease.release();
  });

  it('applies settings changed live to the same watchdog, persisting only the changed keys (LocalAI B-5, B-6)', async () => {
    const h = harness([model('m')], { idleTimeoutMs: 60_000 });
    await h.engine.load('m', 'api');
    await h.engine.updateSettings({ idle_timeout: '1s', idle_check: true });
    expect(h.writes).toEqual([{ watchdog: { idle_timeout: '1s' } }]);
    expect(h.ofType('settings_changed')[0]!.data).toMatchObject({ changed: ['idle_timeout'] });
    h.clock.advance(1500);
    h.engine.watchdog.tick();
    await settle();
    expect(h.engine.getModel('m').state).toBe('stopped');
  });
});

describe('unload', () => {
  it('lets in-flight requests finish before a graceful unload stops the backend', async () => {
    const h = harness([model('m')]);
    const lease = await h.engine.acquire(h.engine.resolve('m')!, 'request');
    const unload = h.engine.unload('m');
    await settle();
    expect(h.launcher.created[0]!.stops).toHaveLength(0);
    expect(h.engine.getModel('m').state).toBe('stopping');
    lease.release();
    expect((await unload).state).toBe('stopped');
    expect(h.ofType('model_stopped')[0]).toMatchObject({ reason: 'manual' });
  });

  it('stops at once with force, even with requests in flight', async () => {
    const h = harness([model('m')]);
    await h.engine.acquire(h.engine.resolve('m')!, 'request');
    await h.engine.unload('m', true);
    expect(h.launcher.created[0]!.stops).toEqual([{ force: true }]);
  });

  it('stops every backend on shutdown and refuses new loads afterwards', async () => {
    const h = harness([model('a'), model('b')]);
    await h.engine.load('a', 'api');
    await h.engine.load('b', 'api');
    await h.engine.shutdown();
    expect(h.launcher.live('a').length + h.launcher.live('b').length).toBe(0);
    expect(h.ofType('model_stopped').map((e) => e.reason)).toEqual(['shutdown', 'shutdown']);
    await expect(h.engine.load('a', 'api')).rejects.toMatchObject({ code: 'shutting_down' });
  });
});

describe('edge cases: removal, shutdown and unload racing a load', () => {
  it('gives up a load waiting for room when its model is removed from the config, starting nothing', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, evictionRetries: 100 });
    const lease = await h.engine.acquire(h.engine.resolve('a')!, 'request');
    const load = h.engine.load('b', 'api').catch((e: unknown) => e);
    await settle();
    h.engine.applyConfig(config([model('a')], { maxActive: 1 }));
    expect(await load).toMatchObject({ code: 'model_not_found' });
    await settle();
    expect(h.engine.listModels().map((m) => m.name)).toEqual(['a']);
    expect(h.launcher.created.map((b) => b.model)).toEqual(['a']);
    lease.release();
  });

  it('untracks a model removed while starting, and answers its load 404', async () => {
    const h = harness([model('a')]);
    h.launcher.autoReady = false;
    const load = h.engine.load('a', 'api').catch((e: unknown) => e);
    await h.launcher.nth(1);
    await settle();
    h.engine.applyConfig(config([]));
    expect(await load).toMatchObject({ code: 'model_not_found' });
    await settle();
    expect(h.engine.listModels()).toEqual([]);
    expect(h.launcher.live('a')).toHaveLength(0);
  });

  it('bounds a graceful unload and a shutdown behind a stuck request by drain_timeout', async () => {
    const h = harness([model('a')], { drainTimeoutMs: 30_000 });
    await h.engine.acquire(h.engine.resolve('a')!, 'request'); // never released: a stuck generation
    const unload = h.engine.unload('a');
    const down = h.engine.shutdown();
    await settle();
    expect(h.launcher.live('a')).toHaveLength(1);
    h.clock.advance(29_999);
    await settle();
    expect(h.launcher.live('a')).toHaveLength(1);
    h.clock.advance(1);
    await unload;
    await down;
    expect(h.launcher.live('a')).toHaveLength(0);
    expect(h.ofType('model_stopped')[0]).toMatchObject({ reason: 'manual', data: { drained: false } });
    expect(h.ofType('model_stopped')[0]!.message).toMatch(/after waiting drain_timeout 30s for 1 request/);
  });

  it('lets a forced unload overtake a graceful one', async () => {
    const h = harness([model('a')]);
    await h.engine.acquire(h.engine.resolve('a')!, 'request');
    const graceful = h.engine.unload('a');
    await settle();
    expect((await h.engine.unload('a', true)).state).toBe('stopped');
    await graceful;
    expect(h.launcher.created[0]!.stops.some((s) => s.force)).toBe(true);
  });

  it('cancels a load still waiting for room when the model is unloaded', async () => {
    const h = harness([model('a'), model('b')], { maxActive: 1, evictionRetries: 100 });
    const lease = await h.engine.acquire(h.engine.resolve('a')!, 'request');
    const load = h.engine.load('b', 'api').catch((e: unknown) => e);
    await settle();
    expect((await h.engine.unload('b')).state).toBe('stopped');
    expect(await load).toMatchObject({ code: 'load_cancelled' });
    expect(h.launcher.created.map((b) => b.model)).toEqual(['a']);
    lease.release();
  });

  it('stops a backend spawned while shutdown began, instead of waiting for its health check', async () => {
    const h = harness([model('a')]);
    h.launcher.autoReady = false;
    let open!: () => void;
    h.launcher.gate = new Promise((r) => (open = r));
    const load = h.engine.load('a', 'api').catch((e: unknown) => e);
    await settle();
    const down = h.engine.shutdown();
    open();
    expect(await load).toMatchObject({ code: 'shutting_down' });
    await down;
    expect(h.launcher.live('a')).toHaveLength(0);
  });
});
