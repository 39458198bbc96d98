import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildTrayTemplate, type TrayActions } from '../../../../electron/tray/tray-template.js';
import { GiB, gpu, model } from '../fixtures.js';

function recordingActions() {
  const calls: unknown[][] = [];
  const actions: TrayActions = {
    load: (name) => calls.push(['load', name]),
    unload: (name) => calls.push(['unload', name]),
    setPinned: (name, pinned) => calls.push(['setPinned', name, pinned]),
    openDashboard: () => calls.push(['openDashboard']),
    openAddModel: () => calls.push(['openAddModel']),
    setStartAtLogin: (on) => calls.push(['setStartAtLogin', on]),
    quit: () => calls.push(['quit']),
  };
  return { actions, calls };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => item?.submenu as MenuItemConstructorOptions[];
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as () => void)();

describe('buildTrayTemplate', () => {
  it('titles each model submenu with its name and state, sorted by name', () => {
    const { actions } = recordingActions();
    const t = buildTrayTemplate({ models: [model('zeta', { state: 'ready' }), model('alpha', { state: 'failed' })], gpu: null, startAtLogin: null }, actions);
    expect(t.slice(0, 2).map((i) => i.label)).toEqual(['alpha — failed', 'zeta — ready']);
  });

  it('shows a ready model with requests in flight as busy', () => {
    const { actions } = recordingActions();
    const t = buildTrayTemplate({ models: [model('m', { state: 'ready', inflight: 2 })], gpu: null, startAtLogin: null }, actions);
    expect(t[0]?.label).toBe('m — busy');
  });

  it('offers Load for a stopped model and Unload for a loaded one', () => {
    const { actions, calls } = recordingActions();
    const t = buildTrayTemplate({ models: [model('a'), model('b', { state: 'ready' })], gpu: null, startAtLogin: null }, actions);
    const [loadItem] = submenu(t[0]);
    const [unloadItem] = submenu(t[1]);
    expect(loadItem).toMatchObject({ label: 'Load', enabled: true });
    expect(unloadItem).toMatchObject({ label: 'Unload', enabled: true });
    click(loadItem);
    click(unloadItem);
    expect(calls).toEqual([['load', 'a'], ['unload', 'b']]);
  });

  it('offers Cancel loading while a model starts, and nothing while it stops', () => {
    const { actions, calls } = recordingActions();
    const t = buildTrayTemplate({ models: [model('a', { state: 'starting' }), model('b', { state: 'stopping' })], gpu: null, startAtLogin: null }, actions);
    expect(submenu(t[0])[0]).toMatchObject({ label: 'Cancel loading', enabled: true });
    expect(submenu(t[1])[0]).toMatchObject({ label: 'Unload', enabled: false });
    click(submenu(t[0])[0]);
    expect(calls).toEqual([['unload', 'a']]);
  });

  it('labels a starting model with its progress where the backend reports it, or what it waits for', () => {
    const { actions } = recordingActions();
    const t = buildTrayTemplate({
      models: [model('a', { state: 'starting', load_progress: 0.45 }), model('b', { state: 'starting' }), model('c', { state: 'starting', load_waiting_for: ['a'] })],
      gpu: null,
      startAtLogin: null,
    }, actions);
    expect(t.slice(0, 3).map((i) => i.label)).toEqual(['a — loading 45 %', 'b — loading…', 'c — waiting for a']);
  });

  it('has a Pinned checkbox that toggles the pin', () => {
    const { actions, calls } = recordingActions();
    const t = buildTrayTemplate({ models: [model('a', { pinned: true }), model('b')], gpu: null, startAtLogin: null }, actions);
    const pinA = submenu(t[0])[1];
    const pinB = submenu(t[1])[1];
    expect(pinA).toMatchObject({ label: 'Pinned', type: 'checkbox', checked: true });
    expect(pinB).toMatchObject({ label: 'Pinned', type: 'checkbox', checked: false });
    click(pinA);
    click(pinB);
    expect(calls).toEqual([['setPinned', 'a', false], ['setPinned', 'b', true]]);
  });

  it('shows a disabled VRAM line, with a dash when unknown', () => {
    const { actions } = recordingActions();
    const t = buildTrayTemplate({ models: [model('a', { state: 'ready', vram_bytes: 5 * GiB }), model('b')], gpu: gpu(1, 2), startAtLogin: null }, actions);
    expect(submenu(t[0])[2]).toEqual({ label: 'VRAM: 5.0 GiB', enabled: false });
    expect(submenu(t[1])[2]).toEqual({ label: 'VRAM: —', enabled: false });
  });

  it('ends with Add model…, Open dashboard, Start at login and Quit Loadout', () => {
    const { actions, calls } = recordingActions();
    const t = buildTrayTemplate({ models: [model('a')], gpu: null, startAtLogin: true }, actions);
    expect(t.slice(1).map((i) => i.label ?? i.type)).toEqual(['separator', 'Add model…', 'Open dashboard', 'Start at login', 'separator', 'Quit Loadout']);
    expect(t[4]).toMatchObject({ type: 'checkbox', checked: true });
    click(t[2]);
    click(t[3]);
    click(t[4]);
    click(t[6]);
    expect(calls).toEqual([['openAddModel'], ['openDashboard'], ['setStartAtLogin', false], ['quit']]);
  });

  it('leaves out Start at login where the platform cannot tell', () => {
    const { actions } = recordingActions();
    const t = buildTrayTemplate({ models: [], gpu: null, startAtLogin: null }, actions);
    expect(t.map((i) => i.label)).not.toContain('Start at login');
    expect(t[0]).toEqual({ label: 'No models configured', enabled: false });
  });
});
