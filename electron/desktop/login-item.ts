import path from 'node:path';
import type { LoginItemSetting } from '../tray/tray-controller.js';
import { autostartDesktopEntry, autostartFile } from './autostart-entry.js';

/** The login-item calls of Electron's `app` (macOS and Windows only). */
export interface LoginItemApp {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export interface LoginItemFs {
  exists(file: string): Promise<boolean>;
  writeFile(file: string, text: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  remove(file: string): Promise<void>;
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  app: LoginItemApp;
  fs: LoginItemFs;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** What starts the app: the AppImage or executable, plus the app folder when unpackaged. */
  command: string[];
}

/** Started at login, the app stays in the tray: the user did not ask for a window. */
export const HIDDEN_FLAG = '--hidden';

/** "Start at login" for each platform; `get` answers null where there is no way to do it. */
export function createLoginItem(opts: LoginItemOptions): LoginItemSetting {
  const { platform, app, fs } = opts;
  if (platform === 'darwin' || platform === 'win32') {
    // Windows matches the registry entry by its arguments, so get and set must pass the same ones.
    const args = [HIDDEN_FLAG];
    return {
      get: async () => app.getLoginItemSettings({ args }).openAtLogin,
      set: async (openAtLogin) => app.setLoginItemSettings({ openAtLogin, args }),
    };
  }
  if (platform === 'linux') {
    const file = autostartFile(opts.env, opts.homeDir);
    return {
      get: () => fs.exists(file),
      set: async (enabled) => {
        if (!enabled) return fs.remove(file);
        await fs.mkdir(path.dirname(file));
        await fs.writeFile(file, autostartDesktopEntry([...opts.command, HIDDEN_FLAG]));
      },
    };
  }
  return { get: async () => null, set: async () => undefined };
}
