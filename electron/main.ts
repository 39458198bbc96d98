/**
 * Composition root of the desktop app: it builds the real pieces and wires them; every decision lives
 * in the modules it calls (window options, sender checks, tray template, notification policy).
 */
import { BrowserWindow, Menu, Notification, Tray, app, dialog, ipcMain, nativeImage, protocol, session, shell } from 'electron';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLoginItem, HIDDEN_FLAG } from './desktop/login-item.js';
import { APP_ORIGIN, DASHBOARD_URL } from './desktop/renderer-files.js';
import { registerAppScheme, serveRenderer } from './desktop/renderer-protocol.js';
import { trayIconFile } from './desktop/tray-icon.js';
import { defaultConfigPath, ensureConfigFile } from './engine/config/default-config.js';
import { systemClock } from './engine/platform/clock.js';
import { createLogger, type Logger } from './engine/platform/logger.js';
import { MODEL_FILE_DIALOG, registerDesktopIpc } from './ipc/register-desktop-ipc.js';
import { registerIpc } from './ipc/register-ipc.js';
import { selfChatEndpoint, TryStreams } from './ipc/try-streams.js';
import type { Push } from '../shared/push.js';
import { startService, type Service } from './service.js';
import { EventNotifier } from './tray/event-notifier.js';
import { TrayController } from './tray/tray-controller.js';
import { DashboardWindow } from './window/dashboard-window.js';
import { denyAllPermissions, hardenWebContents } from './window/harden.js';
import { dashboardWindowOptions } from './window/window-options.js';

const APP_ID = 'dev.loadout.app';
const mainDir = path.dirname(fileURLToPath(import.meta.url));

// Privileged schemes must be registered before `ready`, so this runs at load, before anything awaits.
registerAppScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  // A second launch only asks the first to show its window (see 'second-instance' below).
  app.quit();
} else {
  run(createLogger('info', { component: 'desktop' })).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('Loadout could not start', message);
    app.exit(1);
  });
}

async function run(logger: Logger): Promise<void> {
  const platform = process.platform;
  if (platform === 'win32') app.setAppUserModelId(APP_ID); // notifications need it on Windows
  // The app lives in the tray: closing the last window must not quit it.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => shell.openExternal(url), APP_ORIGIN));

  await app.whenReady();
  if (platform === 'darwin') app.dock?.hide();

  const rendererDir = path.join(app.getAppPath(), 'dist', 'renderer');
  serveRenderer(protocol, rendererDir, (file) => readFile(file));
  denyAllPermissions(session.defaultSession);

  const configFile = defaultConfigPath(process.env, platform, os.homedir());
  if (await ensureConfigFile(configFile)) logger.info('created a default config', { file: configFile });
  const service: Service = await startService({ configFile, rendererDir, logger: logger.child({ component: 'service' }) });
  logger.info('service started', { url: service.url, config: service.configFile });

  const dashboard = new DashboardWindow({
    create: (options) => new BrowserWindow(options),
    options: dashboardWindowOptions(path.join(mainDir, 'preload.cjs')),
    url: DASHBOARD_URL,
    harden: () => undefined, // every WebContents is hardened in 'web-contents-created' above
    onLoadError: (error) => logger.error('dashboard failed to load', { error: String(error) }),
  });
  app.on('second-instance', () => dashboard.show());

  // Pushes of the desktop shell itself (the tray's "Add model…"), delivered like the engine's.
  const uiListeners = new Set<(push: Push) => void>();
  const ipc = registerIpc({
    ipcMain,
    commands: service.commands,
    getWindow: () => dashboard.get(),
    onPush: (listener) => {
      const off = service.onPush(listener);
      uiListeners.add(listener);
      return () => {
        off();
        uiListeners.delete(listener);
      };
    },
    onLog: (model, listener) => service.onLog(model, listener),
    allowedOrigin: APP_ORIGIN,
    logger: logger.child({ component: 'ipc' }),
  });

  const tries = new TryStreams({ url: selfChatEndpoint(service.url), apiKey: service.apiKey });
  const desktopIpc = registerDesktopIpc({
    ipcMain,
    configFile: service.configFile,
    tries,
    allowedOrigin: APP_ORIGIN,
    logger: logger.child({ component: 'ipc' }),
    effects: {
      pickModelFile: async () => {
        const window = dashboard.get();
        const r = await (window ? dialog.showOpenDialog(window, MODEL_FILE_DIALOG) : dialog.showOpenDialog(MODEL_FILE_DIALOG));
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      openPath: (file) => shell.openPath(file),
    },
  });

  const notify = (title: string, body: string): void => {
    if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
  };
  const notifier = new EventNotifier({ clock: systemClock, show: notify, bodyMarkup: platform === 'linux' });
  const stopNotifying = service.onPush((push) => notifier.handle(push));

  const loginItem = createLoginItem({
    platform,
    app,
    env: process.env,
    homeDir: os.homedir(),
    command: app.isPackaged ? [process.env.APPIMAGE ?? process.execPath] : [process.execPath, app.getAppPath()],
    fs: {
      exists: (file) => access(file).then(() => true, () => false),
      mkdir: async (dir) => void (await mkdir(dir, { recursive: true })),
      writeFile: (file, text) => writeFile(file, text, 'utf8'),
      remove: (file) => rm(file, { force: true }),
    },
  });

  const icon = trayIconFile({ platform, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() });
  const image = nativeImage.createFromPath(icon.file);
  if (icon.template) image.setTemplateImage(true);
  const tray = new Tray(image);
  // Windows and Linux users expect a click on the icon to open the app; macOS opens the menu instead.
  if (platform !== 'darwin') tray.on('click', () => dashboard.show());

  let stopping: Promise<void> | null = null;
  const quit = (): Promise<void> =>
    (stopping ??= (async () => {
      dashboard.setQuitting();
      trayController.dispose();
      notifier.dispose();
      stopNotifying();
      ipc.dispose();
      desktopIpc.dispose();
      tries.dispose();
      try {
        await service.stop(); // every backend, graceful then forced: nothing outlives the app
      } catch (error) {
        logger.error('stopping the service failed', { error: String(error) });
      }
      tray.destroy();
      app.exit(0);
    })());

  const trayController = new TrayController({
    tray,
    buildMenu: (template) => Menu.buildFromTemplate(template),
    commands: service.commands,
    onPush: (listener) => service.onPush(listener),
    loginItem,
    openDashboard: () => dashboard.show(),
    openAddModel: () => {
      // A new window queues the push until its page is ready (PushOutbox), so the dialog opens either way.
      dashboard.show();
      for (const listener of uiListeners) listener({ type: 'ui', open: 'add-model' });
    },
    quit: () => void quit(),
    notify,
    showTitle: platform === 'darwin',
    logger: logger.child({ component: 'tray' }),
  });
  await trayController.start();

  // Cmd+Q, logout and app.quit() all pass here: hold the quit until the backends are down.
  app.on('before-quit', (event) => {
    event.preventDefault();
    void quit();
  });

  const openedAtLogin = platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
  if (!process.argv.includes(HIDDEN_FLAG) && !openedAtLogin) dashboard.show();
}
