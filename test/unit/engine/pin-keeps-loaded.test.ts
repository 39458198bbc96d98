import { describe, expect, it } from 'vitest';
import { harness, model, settle } from './harness.js';

// Issue 10 item 4: pin means kept loaded. Fake time, fake backends; the watchdog is ticked by hand.

const triggers = (h: ReturnType<typeof harness>) => h.ofType('model_starting').map((e) => (e.data as { trigger: string }).trigger);

describe('pin means kept loaded', () => {
  it('pinning a stopped model starts it without waiting for it to be ready', async () => {
    const h = harness([model('m')]);
    h.launcher.autoReady = false;
    const view = await h.engine.setPinned('m', true, 'ui');
    expect(view).toMatchObject({ pinned: true, state: 'starting' });
    (await h.launcher.nth(1)).ready();
    await settle();
    expect(h.engine.getModel('m').state).toBe('ready');
    expect(triggers(h)).toEqual(['ui']);
  });

  it('pinning a loaded model starts nothing; unpinning stops nothing', async () => {
    const h = harness([model('m')]);
    await h.engine.load('m', 'api');
    await h.engine.setPinned('m', true);
    await h.engine.setPinned('m', false);
    await settle();
    expect(h.launcher.created).toHaveLength(1);
    expect(h.engine.getModel('m').state).toBe('ready');
  });

  it('a pin whose start fails still answers, and the failure is an event', async () => {
    const h = harness([model('m')]);
    h.launcher.autoReady = false;
    const view = await h.engine.setPinned('m', true);
    expect(view.pinned).toBe(true);
    (await h.launcher.nth(1)).failStart(7, 'cannot open model');
    await settle();
    expect(h.ofType('model_failed')).toHaveLength(1);
    expect(h.engine.getModel('m').state).toBe('failed');
  });

  it('starts a pinned model that is not loaded on the next watchdog tick (pinned in the file)', async () => {
    const h = harness([model('m', { pinned: true }), model('other')]);
    h.engine.watchdog.tick();
    await settle();
    expect(h.engine.getModel('m').state).toBe('ready');
    expect(h.engine.getModel('other').state).toBe('stopped');
    expect(triggers(h)).toEqual(['pinned']);
  });

  it('starts a pinned model that crashed again on the next tick', async () => {
    const h = harness([model('m', { pinned: true })]);
    await h.engine.load('m', 'api');
    h.launcher.created[0]!.crash(3);
    await settle();
    expect(h.engine.getModel('m').state).toBe('failed');
    h.engine.watchdog.tick();
    await settle();
    expect(h.launcher.created).toHaveLength(2);
    expect(h.engine.getModel('m').state).toBe('ready');
    expect(triggers(h)).toEqual(['api', 'pinned']);
  });

  it('respects the load-failure cooldown: a failed start is retried only once it ends, then ever more slowly', async () => {
    const h = harness([model('m', { pinned: true })], { loadFailureCooldownMs: 10_000, loadFailureCooldownMaxMs: 60_000 });
    h.launcher.autoReady = false;
    const startsAfter = async (ms: number): Promise<number> => {
      h.clock.advance(ms);
      h.engine.watchdog.tick();
      await settle();
      return h.launcher.created.length;
    };
    expect(await startsAfter(0)).toBe(1);
    h.launcher.created[0]!.failStart();
    await settle();
    expect(h.engine.getModel('m').cooldown_until).not.toBeNull();
    expect(await startsAfter(9_999)).toBe(1);
    expect(await startsAfter(1)).toBe(2);
    h.launcher.created[1]!.failStart(); // the second failure in a row: 20 s
    await settle();
    expect(await startsAfter(19_999)).toBe(2);
    expect(await startsAfter(1)).toBe(3);
  });

  it('backs off a crash loop even though each start succeeds, and forgives it once the model stays up', async () => {
    const h = harness([model('m', { pinned: true })], { loadFailureCooldownMs: 10_000, loadFailureCooldownMaxMs: 60_000 });
    const tick = async (ms: number) => {
      h.clock.advance(ms);
      h.engine.watchdog.tick();
      await settle();
    };
    await tick(0);
    h.launcher.created[0]!.crash();
    await tick(1_000); // 1 s after its start: held until 10 s
    expect(h.launcher.created).toHaveLength(1);
    await tick(9_000);
    expect(h.launcher.created).toHaveLength(2);
    await tick(20_000); // stayed up past its 20 s hold: forgiven
    h.launcher.created[1]!.crash();
    await tick(100);
    expect(h.launcher.created).toHaveLength(3);
  });

  it('leaves a pinned model stopped after an unload by hand, until it is pinned again', async () => {
    const h = harness([model('m', { pinned: true })]);
    await h.engine.load('m', 'api');
    await h.engine.unload('m');
    h.engine.watchdog.tick();
    await settle();
    expect(h.engine.getModel('m').state).toBe('stopped');
    await h.engine.setPinned('m', false);
    await h.engine.setPinned('m', true);
    await settle();
    expect(h.engine.getModel('m').state).toBe('ready');
    // Started again, it is kept loaded again: a crash now restarts it.
    h.launcher.created[1]!.crash();
    await settle();
    h.engine.watchdog.tick();
    await settle();
    expect(h.launcher.created).toHaveLength(3);
  });

  it('retries a refused pinned model slowly instead of every tick (two pinned models in one group)', async () => {
    const h = harness([model('a', { pinned: true, groups: ['g'] }), model('b', { pinned: true, groups: ['g'] })], { loadFailureCooldownMs: 10_000 });
    await h.engine.load('a', 'api');
    h.engine.watchdog.tick();
    await settle();
    expect(h.ofType('load_refused')).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      h.clock.advance(500);
      h.engine.watchdog.tick();
      await settle();
    }
    expect(h.ofType('load_refused')).toHaveLength(1);
    h.clock.advance(5_000);
    h.engine.watchdog.tick();
    await settle();
    expect(h.ofType('load_refused')).toHaveLength(2);
  });
});
