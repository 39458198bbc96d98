import { describe, expect, it } from 'vitest';
import { LoadoutError } from '../../../shared/errors.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { LoadTimes } from '../../../electron/engine/progress/load-times.js';
import { harness, model, settle } from '../engine/harness.js';

function setup(watchdog = {}) {
  const h = harness([model('a'), model('b')], watchdog, { loadTimes: new LoadTimes(null, silentLogger) });
  h.launcher.autoReady = false;
  return h;
}

const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e instanceof LoadoutError ? e.code : String(e)));

describe('load progress in the model view', () => {
  it('shows when a start began, the backend’s percentage and, from the second load on, an ETA', async () => {
    const h = setup();
    const first = h.engine.load('a', 'api');
    const b1 = await h.launcher.nth(1);
    await settle();
    const startedAt = new Date(h.clock.now()).toISOString();
    expect(h.engine.getModel('a')).toMatchObject({ state: 'starting', load_started_at: startedAt, load_progress: null, load_eta_ms: null, load_waiting_for: [] });

    h.engine.observeBackendLine('a', b1.instance, 'load_progress: 40%');
    expect(h.engine.getModel('a').load_progress).toBe(0.4);
    // Lines of another instance, or lines that say nothing about progress, change nothing.
    h.engine.observeBackendLine('a', b1.instance + 99, 'load_progress: 90%');
    h.engine.observeBackendLine('a', b1.instance, 'llama_model_load: ........');
    expect(h.engine.getModel('a').load_progress).toBe(0.4);

    b1.ready(4000);
    await first;
    expect(h.engine.getModel('a')).toMatchObject({ state: 'ready', load_started_at: null, load_progress: null, load_eta_ms: null });
    // Lines after ready are not read.
    h.engine.observeBackendLine('a', b1.instance, 'load_progress: 10%');
    expect(h.engine.getModel('a').load_progress).toBeNull();

    await h.engine.unload('a');
    const second = h.engine.load('a', 'api');
    const b2 = await h.launcher.nth(2);
    await settle();
    expect(h.engine.getModel('a')).toMatchObject({ state: 'starting', load_eta_ms: 4000, load_progress: null });
    b2.ready(6000);
    await second;
    await h.engine.unload('a');
    void h.engine.load('a', 'api');
    await h.launcher.nth(3);
    await settle();
    expect(h.engine.getModel('a').load_eta_ms).toBe(5000);
  });

  it('pushes progress changes at most four times a second', async () => {
    const h = setup();
    const pushes: (number | null)[] = [];
    h.engine.onPush((p) => {
      if (p.type === 'model' && p.model.name === 'a' && p.model.state === 'starting') pushes.push(p.model.load_progress);
    });
    void h.engine.load('a', 'api');
    const b = await h.launcher.nth(1);
    await settle();
    pushes.length = 0;
    for (let pct = 1; pct <= 20; pct++) h.engine.observeBackendLine('a', b.instance, `load_progress: ${pct}%`);
    await settle();
    expect(pushes).toEqual([0.2]); // the view is built when sent: it carries the latest value
    for (let pct = 21; pct <= 25; pct++) h.engine.observeBackendLine('a', b.instance, `load_progress: ${pct}%`);
    h.clock.advance(200);
    await settle();
    expect(pushes).toEqual([0.2]);
    h.clock.advance(50);
    await settle();
    expect(pushes).toEqual([0.2, 0.25]);
  });

  it('says which models a load waits for while it waits for room', async () => {
    const h = setup({ maxActive: 1 });
    h.launcher.autoReady = true;
    const lease = await h.engine.acquire(h.engine.resolve('b')!, 'request');
    h.launcher.autoReady = false;
    const load = h.engine.load('a', 'api');
    await settle();
    expect(h.engine.getModel('a')).toMatchObject({ state: 'starting', load_waiting_for: ['b'], load_started_at: new Date(h.clock.now()).toISOString() });
    lease.release();
    const a = await h.launcher.nth(2);
    await settle();
    expect(h.engine.getModel('a').load_waiting_for).toEqual([]);
    a.ready();
    await load;
  });
});

describe('cancelling a load', () => {
  it('stops a starting backend, tells every waiter the load was cancelled, and records no failure', async () => {
    const h = setup();
    const load = codeOf(h.engine.load('a', 'api'));
    const request = codeOf(h.engine.acquire(h.engine.resolve('a')!, 'request'));
    const b = await h.launcher.nth(1);
    await settle();
    const view = await h.engine.unload('a');
    expect(await load).toBe('load_cancelled');
    expect(await request).toBe('load_cancelled');
    expect(b.stops).toHaveLength(1);
    expect(view).toMatchObject({ state: 'stopped', error: null, cooldown_until: null });
    const stopped = h.ofType('model_stopped').at(-1)!;
    expect(stopped).toMatchObject({ reason: 'manual', data: { cancelled: true } });
    expect(stopped.message).toContain('load cancelled');
    expect(h.ofType('model_failed')).toHaveLength(0);
  });

  it('an unload of a ready model is not a cancellation', async () => {
    const h = setup();
    h.launcher.autoReady = true;
    await h.engine.load('a', 'api');
    await h.engine.unload('a');
    const stopped = h.ofType('model_stopped').at(-1)!;
    expect(stopped.data).not.toHaveProperty('cancelled');
    expect(stopped.message).not.toContain('cancelled');
  });
});
