import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Push } from '../../../shared/push.js';
import { IPC_CHANNELS } from '../../../shared/http-routes.js';
import { DESKTOP_CHANNEL } from '../../../shared/desktop.js';
type Fake = typeof import('../../fakes/electron.js');
let fake: Fake;
import { recordingCommands, model } from './fixtures.js';

/** Importing main's graph can take seconds on a busy machine: wait on the condition, not a 1 s default. */
const UNTIL = { timeout: 20_000, interval: 20 };

// The composition root, run against the fake electron and a fake service: it proves the wiring, not
// the decisions (those have their own tests).
const state = vi.hoisted(() => ({
  stops: 0,
  /** Settles the pending `service.stop()`: until then every backend is still running. */
  finishStop: null as null | ((error?: Error) => void),
  started: [] as unknown[],
  ensured: [] as string[],
  listeners: [] as ((p: unknown) => void)[],
}));

vi.mock('../../../electron/engine/config/default-config.js', () => ({
  defaultConfigPath: () => '/home/u/.config/loadout/config.yaml',
  ensureConfigFile: async (file: string) => (state.ensured.push(file), true),
}));

vi.mock('../../../electron/engine/platform/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/engine/platform/logger.js')>();
  return { ...real, createLogger: () => real.silentLogger };
});

vi.mock('../../../electron/service.js', () => ({
  startService: async (opts: unknown) => {
    state.started.push(opts);
    const { handlers } = recordingCommands({ 'models.list': async () => ({ models: [model('a')] }), 'gpu.get': async () => null });
    return {
      commands: handlers,
      url: 'http://127.0.0.1:11500',
      configFile: '/home/u/.config/loadout/config.yaml',
      onPush: (l: (p: Push) => void) => (state.listeners.push(l as (p: unknown) => void), () => undefined),
      onLog: () => () => undefined,
      stop: () => {
        state.stops++;
        return new Promise<void>((resolve, reject) => {
          state.finishStop = (error) => (error ? reject(error) : resolve());
        });
      },
    };
  },
}));

const argv = process.argv;

async function boot(extraArgs: string[] = []) {
  process.argv = [...argv, ...extraArgs];
  await import('../../../electron/main.js');
  await vi.waitFor(() => expect(fake.Tray.instances).toHaveLength(1), UNTIL);
  await vi.waitFor(() => expect(fake.Tray.instances[0]?.menu).not.toBeNull(), UNTIL);
}

describe('main', () => {
  beforeEach(async () => {
    // main runs on import: each test loads it afresh, together with a fresh fake electron.
    vi.resetModules();
    fake = await import('../../fakes/electron.js');
    Object.assign(state, { stops: 0, finishStop: null, started: [], ensured: [], listeners: [] });
  });
  afterEach(() => {
    process.argv = argv;
  });

  it('registers the app scheme, creates the config, starts the service and shows the dashboard', async () => {
    await boot();
    expect(fake.protocol.callsOf('registerSchemesAsPrivileged')).toHaveLength(1);
    expect(fake.protocol.handlers.has('app')).toBe(true);
    expect(state.ensured).toEqual(['/home/u/.config/loadout/config.yaml']);
    expect(state.started).toEqual([{ configFile: '/home/u/.config/loadout/config.yaml', rendererDir: '/app/dist/renderer', logger: expect.anything() }]);
    expect([...fake.ipcMain.handlers.keys()]).toEqual([IPC_CHANNELS.invoke, DESKTOP_CHANNEL]);
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    expect(fake.BrowserWindow.instances[0]?.callsOf('loadURL')).toEqual([['app://ui/index.html']]);
    expect(fake.session.defaultSession.permissionCheckHandler?.(null, 'media')).toBe(false);
  });

  it('starts in the tray only with --hidden, and a second launch shows the window', async () => {
    await boot(['--hidden']);
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    fake.app.emit('second-instance');
    expect(fake.BrowserWindow.instances).toHaveLength(1);
  });

  /** A few turns of the event loop: what main does next without waiting for anything happens in them. */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };

  it('quits from the tray only after the service stopped every backend', async () => {
    await boot(['--hidden']);
    const menu = fake.Tray.instances[0]?.menu?.template as MenuItemConstructorOptions[];
    (menu.find((i) => i.label === 'Quit Loadout')?.click as () => void)();
    await vi.waitFor(() => expect(state.stops).toBe(1), UNTIL);
    await settle();
    // The service is still stopping its backends: the app must still be running.
    expect(fake.app.ended).toBe(false);
    expect(fake.app.callsOf('exit')).toEqual([]);
    expect(fake.Tray.instances[0]?.isDestroyed()).toBe(false);
    state.finishStop!();
    await vi.waitFor(() => expect(fake.app.ended).toBe(true), UNTIL);
    expect(fake.app.lifecycle).toEqual(['ready', 'exit(0)']);
    expect(fake.Tray.instances[0]?.isDestroyed()).toBe(true);
    expect(state.stops).toBe(1);
  });

  it('holds app.quit() (Cmd+Q, logout) in before-quit until the backends are down, then exits', async () => {
    await boot();
    fake.app.quit();
    expect(fake.app.lifecycle).toEqual(['ready', 'before-quit', 'quit-cancelled(before-quit)']);
    await vi.waitFor(() => expect(state.stops).toBe(1), UNTIL);
    fake.app.quit(); // asked again while stopping: the same stop, not a second one
    await settle();
    expect(fake.app.ended).toBe(false);
    expect(state.stops).toBe(1);
    expect(fake.BrowserWindow.instances[0]?.isDestroyed()).toBe(false);
    state.finishStop!();
    await vi.waitFor(() => expect(fake.app.exitCode).toBe(0), UNTIL);
    expect(fake.app.lifecycle.at(-1)).toBe('exit(0)');
    expect(fake.BrowserWindow.instances[0]?.isDestroyed()).toBe(true);
  });

  it('still exits when stopping the service fails, after it finished trying', async () => {
    await boot(['--hidden']);
    fake.app.quit();
    await vi.waitFor(() => expect(state.stops).toBe(1), UNTIL);
    await settle();
    expect(fake.app.ended).toBe(false);
    state.finishStop!(new Error('a backend would not die'));
    await vi.waitFor(() => expect(fake.app.exitCode).toBe(0), UNTIL);
  });

  it('opens the Add model dialog from the tray: shows the window and pushes the request once the page is ready', async () => {
    await boot(['--hidden']);
    const menu = fake.Tray.instances[0]?.menu?.template as MenuItemConstructorOptions[];
    (menu.find((i) => i.label === 'Add model…')?.click as () => void)();
    const window = fake.BrowserWindow.instances[0]!;
    expect(window).toBeDefined();
    const ui = () => window.webContents.callsOf('send').filter(([, push]) => (push as Push).type === 'ui');
    expect(ui(), 'held until the page says it is ready').toEqual([]);
    fake.ipcMain.sendFromRenderer(IPC_CHANNELS.ready, { senderFrame: { url: 'app://ui/index.html' }, sender: window.webContents });
    expect(ui()).toEqual([[IPC_CHANNELS.event, { type: 'ui', open: 'add-model' }]]);
  });

  it('answers the page\'s file picker with the native dialog, filtered to .gguf', async () => {
    await boot();
    const window = fake.BrowserWindow.instances[0]!;
    fake.dialog.nextPick = ['/models/a.gguf'];
    const reply = await fake.ipcMain.invokeHandler(DESKTOP_CHANNEL, { senderFrame: { url: 'app://ui/index.html' }, sender: window.webContents }, 'file.pickModel', {});
    expect(reply).toEqual({ ok: true, value: { path: '/models/a.gguf' } });
    expect(fake.dialog.openDialogs[0]).toMatchObject({ parent: window, options: { filters: [{ extensions: ['gguf'] }] } });
  });

  it('steps aside when another instance holds the lock', async () => {
    fake.app.singleInstanceLock = false;
    process.argv = [...argv];
    await import('../../../electron/main.js');
    expect(fake.app.callsOf('quit')).toHaveLength(1);
    expect(state.started).toHaveLength(0);
  });
});
