import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The dashboard's BrowserWindow options. The security flags are Electron's defaults today but are set
 * explicitly so a future default change or a copy-paste cannot weaken them (security checklist 2-4, 6, 8-10).
 * `show: false`: the window appears only when the user asks (tray, second launch), never at login.
 */
export function dashboardWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'Loadout',
    width: 1280,
    height: 820,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}
