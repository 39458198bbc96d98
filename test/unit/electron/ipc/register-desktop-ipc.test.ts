import { beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNEL } from '../../../../shared/desktop.js';
import { MODEL_FILE_DIALOG, registerDesktopIpc } from '../../../../electron/ipc/register-desktop-ipc.js';
import * as fake from '../../../fakes/electron.js';

// The desktop-only channel wired to the fake electron's dialog and shell as main wires the real ones.
async function setup() {
  fake.resetElectronFake();
  await fake.app.whenReady();
  const window = new fake.BrowserWindow();
  const registration = registerDesktopIpc({
    ipcMain: fake.ipcMain,
    configFile: '/home/u/.config/loadout/config.yaml',
    effects: {
      pickModelFile: async () => {
        const r = await fake.dialog.showOpenDialog(window, MODEL_FILE_DIALOG);
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      openPath: (file) => fake.shell.openPath(file),
    },
  });
  const call = (action: unknown, payload?: unknown, url: string | null = 'app://ui/index.html') =>
    fake.ipcMain.invokeHandler(DESKTOP_CHANNEL, { senderFrame: url === null ? null : { url }, sender: window.webContents }, action, payload);
  return { window, registration, call };
}

describe('registerDesktopIpc', () => {
  beforeEach(() => fake.resetElectronFake());

  it('opens the native Open dialog on the window, filtered to .gguf, and answers the chosen file', async () => {
    const t = await setup();
    fake.dialog.nextPick = ['/models/Qwen3-8B-Q4_K_M.gguf'];
    expect(await t.call('file.pickModel', {})).toEqual({ ok: true, value: { path: '/models/Qwen3-8B-Q4_K_M.gguf' } });
    expect(fake.dialog.openDialogs).toHaveLength(1);
    expect(fake.dialog.openDialogs[0]?.parent).toBe(t.window);
    expect(fake.dialog.openDialogs[0]?.options).toMatchObject({ properties: ['openFile'], filters: [{ name: 'GGUF models', extensions: ['gguf'] }] });
  });

  it('answers null when the dialog is cancelled', async () => {
    const t = await setup();
    fake.dialog.nextPick = [];
    expect(await t.call('file.pickModel', {})).toEqual({ ok: true, value: { path: null } });
  });

  it('opens the config file with the system app, and reports why it could not', async () => {
    const t = await setup();
    expect(await t.call('config.open', {})).toEqual({ ok: true, value: { opened: '/home/u/.config/loadout/config.yaml' } });
    expect(fake.shell.openedPaths).toEqual(['/home/u/.config/loadout/config.yaml']);
    fake.shell.openPathAnswer = 'No application is registered for .yaml';
    expect(await t.call('config.open', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('No application is registered') } });
  });

  it('refuses an untrusted sender before doing anything', async () => {
    const t = await setup();
    for (const url of [null, 'http://evil.example/', 'file:///tmp/x.html']) {
      expect(await t.call('file.pickModel', {}, url)).toEqual({ ok: false, error: { code: 'forbidden', message: 'untrusted sender', status: 403 } });
    }
    expect(fake.dialog.openDialogs).toEqual([]);
  });

  it('refuses unknown actions and payloads that fail the schema', async () => {
    const t = await setup();
    for (const action of ['shell.openExternal', '__proto__', 7]) {
      expect(await t.call(action, {})).toMatchObject({ ok: false, error: { code: 'bad_request', status: 400 } });
    }
    expect(await t.call('file.pickModel', { defaultPath: '/etc' })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('defaultPath') } });
    expect(fake.dialog.openDialogs).toEqual([]);
    expect(fake.shell.openedPaths).toEqual([]);
  });

  it('removes its handler on dispose', async () => {
    const t = await setup();
    t.registration.dispose();
    expect(fake.ipcMain.handlers.has(DESKTOP_CHANNEL)).toBe(false);
  });
});
