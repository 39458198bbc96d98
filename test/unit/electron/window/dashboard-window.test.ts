import { beforeEach, describe, expect, it } from 'vitest';
import { app, BrowserWindow, resetElectronFake } from '../../../fakes/electron.js';
import { DashboardWindow } from '../../../../electron/window/dashboard-window.js';
import { dashboardWindowOptions } from '../../../../electron/window/window-options.js';

function setup() {
  const hardened: BrowserWindow[] = [];
  const dashboard = new DashboardWindow({
    create: (options) => new BrowserWindow(options as Record<string, unknown>),
    options: dashboardWindowOptions('/p.cjs'),
    url: 'app://ui/index.html',
    harden: (w) => void hardened.push(w),
    onLoadError: () => undefined,
  });
  return { dashboard, hardened };
}

describe('DashboardWindow', () => {
  beforeEach(async () => {
    resetElectronFake();
    await app.whenReady(); // windows exist only once the app is ready
  });

  it('creates the window lazily, hardened, and shows it once ready', () => {
    const { dashboard, hardened } = setup();
    expect(dashboard.get()).toBeNull();
    dashboard.show();
    const win = BrowserWindow.instances[0];
    expect(hardened).toEqual([win]);
    expect(win?.callsOf('loadURL')).toEqual([['app://ui/index.html']]);
    expect(win?.visible).toBe(false);
    win?.emit('ready-to-show');
    expect(win?.visible).toBe(true);
  });

  it('hides to the tray on close, and reuses the window on the next show', () => {
    const { dashboard } = setup();
    dashboard.show();
    const win = BrowserWindow.instances[0];
    win?.emit('ready-to-show');
    let prevented = false;
    win?.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(win?.visible).toBe(false);
    dashboard.show();
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(win?.visible).toBe(true);
  });

  it('lets the window close when quitting', () => {
    const { dashboard } = setup();
    dashboard.show();
    dashboard.setQuitting();
    let prevented = false;
    BrowserWindow.instances[0]?.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });
});
