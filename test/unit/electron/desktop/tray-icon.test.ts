import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayIconFile } from '../../../../electron/desktop/tray-icon.js';

const repo = path.resolve(import.meta.dirname, '../../../..');

describe('trayIconFile', () => {
  it('uses the packaged resources folder, or the project one in development', () => {
    const base = { platform: 'linux' as const, resourcesPath: '/opt/Loadout/resources', appPath: '/src/loadout' };
    expect(trayIconFile({ ...base, isPackaged: true }).file).toBe(path.join('/opt/Loadout/resources', 'tray', 'tray.png'));
    expect(trayIconFile({ ...base, isPackaged: false }).file).toBe(path.join('/src/loadout', 'resources', 'tray', 'tray.png'));
  });

  it('picks a template image on macOS and an .ico on Windows, all of which exist', () => {
    const ctx = { isPackaged: false, resourcesPath: '', appPath: repo };
    const mac = trayIconFile({ ...ctx, platform: 'darwin' });
    const win = trayIconFile({ ...ctx, platform: 'win32' });
    const linux = trayIconFile({ ...ctx, platform: 'linux' });
    expect(mac).toEqual({ file: path.join(repo, 'resources', 'tray', 'trayTemplate.png'), template: true });
    expect(win.file.endsWith('tray.ico')).toBe(true);
    for (const f of [mac.file, win.file, linux.file]) expect(existsSync(f), f).toBe(true);
  });
});
