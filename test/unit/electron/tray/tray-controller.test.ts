import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { LoadoutError } from '../../../../shared/errors.js';
import type { Push } from '../../../../shared/push.js';
import { TrayController } from '../../../../electron/tray/tray-controller.js';
import { GiB, gpu, model, recordingCommands } from '../fixtures.js';

function setup(impl: Parameters<typeof recordingCommands>[0] = {}, clock?: { now(): number; every(fn: () => void, ms: number): () => void }) {
  const menus: MenuItemConstructorOptions[][] = [];
  const texts = { tooltip: '', title: '' };
  const notices: string[][] = [];
  const listeners: ((push: Push) => void)[] = [];
  const deferred: (() => void)[] = [];
  const { handlers, calls } = recordingCommands({
    'models.list': async () => ({ models: [model('a', { state: 'ready' }), model('b')] }),
    'gpu.get': async () => gpu(4 * GiB, 24 * GiB),
    ...impl,
  });
  let startAtLogin = false;
  const controller = new TrayController<MenuItemConstructorOptions[]>({
    tray: {
      setContextMenu: (menu) => void (menu && menus.push(menu)),
      setToolTip: (text) => void (texts.tooltip = text),
      setTitle: (text) => void (texts.title = text),
    },
    buildMenu: (template) => template,
    commands: handlers,
    onPush: (listener) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
    loginItem: { get: async () => startAtLogin, set: async (on) => void (startAtLogin = on) },
    openDashboard: () => undefined,
    openAddModel: () => undefined,
    quit: () => undefined,
    notify: (title, body) => void notices.push([title, body]),
    defer: (fn) => void deferred.push(fn),
    showTitle: true,
    ...clock,
  });
  const tick = async () => {
    while (deferred.length) deferred.shift()?.();
    await controller.whenIdle();
  };
  const push = (p: Push) => listeners.forEach((l) => l(p));
  return { controller, menus, texts, notices, calls, listeners, tick, push, deferred };
}

const subItem = (menu: MenuItemConstructorOptions[] | undefined, i: number, j: number) =>
  (menu?.[i]?.submenu as MenuItemConstructorOptions[])[j] as MenuItemConstructorOptions & { click: () => void };

describe('TrayController', () => {
  it('builds the menu, tooltip and title from the shared commands, asking as the tray', async () => {
    const t = setup();
    const started = t.controller.start();
    await t.tick();
    await started;
    expect(t.menus).toHaveLength(1);
    expect(t.menus[0]?.[0]?.label).toBe('a — ready');
    expect(t.texts).toEqual({ tooltip: 'Loadout — 1 loaded · VRAM 4.0/24.0 GiB', title: '4.0/24.0G' });
    expect(t.calls.map((c) => [c.command, c.ctx.origin])).toEqual([['models.list', 'tray'], ['gpu.get', 'tray']]);
  });

  it('coalesces a burst of pushes into one rebuild per tick', async () => {
    const t = setup();
    void t.controller.start();
    await t.tick();
    const m = model('a', { state: 'ready' });
    for (let i = 0; i < 5; i++) t.push({ type: 'model', model: m });
    expect(t.deferred).toHaveLength(1);
    await t.tick();
    expect(t.menus).toHaveLength(2);
  });

  it('updates the texts on GPU samples without rebuilding the menu', async () => {
    const t = setup();
    void t.controller.start();
    await t.tick();
    t.push({ type: 'gpu', gpu: gpu(10 * GiB, 24 * GiB), point: null });
    expect(t.deferred).toHaveLength(0);
    expect(t.texts.tooltip).toBe('Loadout — 1 loaded · VRAM 10.0/24.0 GiB');
  });

  it('loads and pins through the shared handlers with origin tray', async () => {
    const t = setup();
    void t.controller.start();
    await t.tick();
    subItem(t.menus[0], 1, 0).click();
    subItem(t.menus[0], 1, 1).click();
    await t.tick();
    const acts = t.calls.filter((c) => c.command === 'models.load' || c.command === 'models.setPinned');
    expect(acts.map((c) => [c.command, c.payload, c.ctx.origin])).toEqual([
      ['models.load', { name: 'b' }, 'tray'],
      ['models.setPinned', { name: 'b', pinned: true }, 'tray'],
    ]);
  });

  it('notifies when a tray action fails', async () => {
    const t = setup({ 'models.load': async () => Promise.reject(new LoadoutError('pinned_conflict', 'big is pinned in group g')) });
    void t.controller.start();
    await t.tick();
    subItem(t.menus[0], 1, 0).click();
    await new Promise((r) => setImmediate(r));
    expect(t.notices).toEqual([['Could not load b', 'big is pinned in group g']]);
  });

  it('notifies a refused load with its hint: the rule and the way out', async () => {
    const hint = 'b and big share group g, and big is pinned: unpin it or take one out of the group';
    const t = setup({ 'models.load': async () => Promise.reject(new LoadoutError('pinned_conflict', 'pinned models hold what b needs: big', { blocking: ['big'], hint })) });
    void t.controller.start();
    await t.tick();
    subItem(t.menus[0], 1, 0).click();
    await new Promise((r) => setImmediate(r));
    expect(t.notices).toEqual([['Could not load b', hint]]);
  });

  it('stops following pushes after dispose', async () => {
    const t = setup();
    void t.controller.start();
    await t.tick();
    t.controller.dispose();
    expect(t.listeners).toHaveLength(0);
  });

  it('moves the elapsed time of a load in the tooltip every second, and stops once nothing starts', async () => {
    let now = Date.parse('2026-11-30T12:00:03.000Z');
    const ticks: (() => void)[] = [];
    let stopped = 0;
    let models = [model('a', { state: 'starting', load_started_at: '2026-11-30T12:00:00.000Z' })];
    const t = setup({ 'models.list': async () => ({ models }) }, {
      now: () => now,
      every: (fn) => {
        ticks.push(fn);
        return () => void stopped++;
      },
    });
    const started = t.controller.start();
    await t.tick();
    await started;
    expect(t.texts.tooltip).toBe('Loadout — 0 loaded · VRAM 4.0/24.0 GiB\nLoading a… 3 s');
    expect(t.menus.at(-1)?.[0]?.label).toBe('a — loading…');
    now += 2000;
    ticks[0]!();
    expect(t.texts.tooltip).toContain('Loading a… 5 s');
    expect(t.menus).toHaveLength(1); // texts only: no menu rebuild for the clock
    models = [model('a', { state: 'ready' })];
    t.push({ type: 'model', model: models[0]! });
    await t.tick();
    expect(ticks).toHaveLength(1);
    expect(stopped).toBe(1);
    expect(t.texts.tooltip).toBe('Loadout — 1 loaded · VRAM 4.0/24.0 GiB');
  });
});

