import { describe, expect, it } from 'vitest';
import { autostartDesktopEntry, quoteExecArg } from '../../../../electron/desktop/autostart-entry.js';
import { createLoginItem, type LoginItemFs } from '../../../../electron/desktop/login-item.js';
import { app, resetElectronFake } from '../../../fakes/electron.js';

function memoryFs() {
  const files = new Map<string, string>();
  const dirs: string[] = [];
  const fs: LoginItemFs = {
    exists: async (f) => files.has(f),
    writeFile: async (f, t) => void files.set(f, t),
    mkdir: async (d) => void dirs.push(d),
    remove: async (f) => void files.delete(f),
  };
  return { fs, files, dirs };
}

describe('createLoginItem', () => {
  it('writes and removes ~/.config/autostart/loadout.desktop on Linux', async () => {
    resetElectronFake();
    const { fs, files, dirs } = memoryFs();
    const item = createLoginItem({ platform: 'linux', app, fs, env: {}, homeDir: '/home/u', command: ['/opt/Loadout/loadout'] });
    expect(await item.get()).toBe(false);
    await item.set(true);
    expect(await item.get()).toBe(true);
    expect(dirs).toEqual(['/home/u/.config/autostart']);
    expect(files.get('/home/u/.config/autostart/loadout.desktop')).toContain('Exec=/opt/Loadout/loadout --hidden\n');
    await item.set(false);
    expect(await item.get()).toBe(false);
  });

  it('honours XDG_CONFIG_HOME', async () => {
    const { fs, files } = memoryFs();
    const item = createLoginItem({ platform: 'linux', app, fs, env: { XDG_CONFIG_HOME: '/cfg' }, homeDir: '/home/u', command: ['x'] });
    await item.set(true);
    expect([...files.keys()]).toEqual(['/cfg/autostart/loadout.desktop']);
  });

  it('uses the login item settings, with --hidden, on macOS and Windows', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      resetElectronFake();
      const item = createLoginItem({ platform, app, fs: memoryFs().fs, env: {}, homeDir: '/h', command: ['x'] });
      await item.set(true);
      expect(app.callsOf('setLoginItemSettings')).toEqual([[{ openAtLogin: true, args: ['--hidden'] }]]);
      expect(await item.get()).toBe(true);
    }
  });

  it('answers null where there is no login item', async () => {
    const item = createLoginItem({ platform: 'freebsd', app, fs: memoryFs().fs, env: {}, homeDir: '/h', command: ['x'] });
    expect(await item.get()).toBeNull();
  });
});

describe('autostartDesktopEntry', () => {
  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArg('/opt/My Apps/Loadout.AppImage')).toBe('"/opt/My Apps/Loadout.AppImage"');
    expect(quoteExecArg('a$b"c')).toBe('"a\\$b\\"c"');
    expect(quoteExecArg('100%')).toBe('100%%');
    expect(autostartDesktopEntry(['/usr/bin/electron', '/src/app', '--hidden'])).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
  });
});
