/**
 * A recording stand-in for the `electron` module (vitest aliases `electron` to this file): the real
 * package throws at import where its binary is absent. Every fake records what it was asked to do and
 * stores handlers so tests can drive them; it implements only what the shell uses, with Electron's names.
 * Call `resetElectronFake()` in `beforeEach`: Electron's own modules are process-wide, and so are these.
 */
import { EventEmitter } from 'node:events';
import type { HandlerDetails, MenuItemConstructorOptions, WindowOpenHandlerResponse } from 'electron';

export interface Call {
  name: string;
  args: unknown[];
}

type Listener = (...args: never[]) => unknown;

class Recorder extends EventEmitter {
  calls: Call[] = [];
  protected record(name: string, ...args: unknown[]): void {
    this.calls.push({ name, args });
  }
  callsOf(name: string): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }
}

class FakeApp extends Recorder {
  isPackaged = false;
  singleInstanceLock = true;
  loginItem = { openAtLogin: false };
  readonly dock = { hide: (): void => this.record('dock.hide') };
  requestSingleInstanceLock(): boolean {
    this.record('requestSingleInstanceLock');
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    this.record('whenReady');
    return Promise.resolve();
  }
  getAppPath(): string {
    return '/app';
  }
  getPath(name: string): string {
    return `/fake/${name}`;
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  setAppUserModelId(id: string): void {
    this.record('setAppUserModelId', id);
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItem };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void {
    this.record('setLoginItemSettings', settings);
    this.loginItem = { openAtLogin: settings.openAtLogin };
  }
  quit(): void {
    this.record('quit');
  }
  exit(code = 0): void {
    this.record('exit', code);
  }
}

export class FakeWebContents extends Recorder {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  destroyed = false;
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  send(channel: string, ...args: unknown[]): void {
    this.record('send', channel, ...args);
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class BrowserWindow extends Recorder {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.record('loadURL', url);
    return Promise.resolve();
  }
  show(): void {
    this.record('show');
    this.visible = true;
  }
  hide(): void {
    this.record('hide');
    this.visible = false;
  }
  focus(): void {
    this.record('focus');
  }
  restore(): void {
    this.record('restore');
  }
  isMinimized(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class Tray extends Recorder {
  static instances: Tray[] = [];
  menu: FakeMenu | null = null;
  tooltip = '';
  title = '';
  constructor(readonly image: unknown) {
    super();
    Tray.instances.push(this);
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.record('setContextMenu', menu);
    this.menu = menu;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  destroy(): void {
    this.record('destroy');
  }
}

export interface FakeMenu {
  template: MenuItemConstructorOptions[];
}

export const Menu = {
  buildFromTemplate: (template: MenuItemConstructorOptions[]): FakeMenu => ({ template }),
};

export interface FakeImage {
  path: string;
  template: boolean;
  setTemplateImage(on: boolean): void;
  isEmpty(): boolean;
}

export const nativeImage = {
  createFromPath(path: string): FakeImage {
    return {
      path,
      template: false,
      setTemplateImage(on: boolean) {
        this.template = on;
      },
      isEmpty: () => false,
    };
  },
};

class FakeIpcMain extends Recorder {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Calls the handler registered for `channel` as Electron would, with a fake event. */
  invokeHandler(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel) as ((...a: unknown[]) => unknown) | undefined;
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler(event, ...args));
  }
}

class FakeProtocol extends Recorder {
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    this.record('registerSchemesAsPrivileged', schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
}

class FakeSession extends Recorder {
  permissionRequestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string) => boolean) | null = null;
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

export class Notification extends Recorder {
  static supported = true;
  static shown: { title: string; body: string }[] = [];
  constructor(readonly options: { title: string; body: string; silent?: boolean }) {
    super();
  }
  static isSupported(): boolean {
    return Notification.supported;
  }
  show(): void {
    Notification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

class FakeIpcRenderer extends Recorder {
  /** What `invoke` answers; tests replace it. */
  responder: (channel: string, ...args: unknown[]) => unknown = () => undefined;
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.record('invoke', channel, ...args);
    return Promise.resolve(this.responder(channel, ...args));
  }
  send(channel: string, ...args: unknown[]): void {
    this.record('send', channel, ...args);
  }
}

function makeShell() {
  const opened: string[] = [];
  return { opened, openExternal: (url: string): Promise<void> => (opened.push(url), Promise.resolve()) };
}

function makeContextBridge() {
  const exposed = new Map<string, unknown>();
  return { exposed, exposeInMainWorld: (key: string, api: unknown): void => void exposed.set(key, api) };
}

function makeNet() {
  const fetched: string[] = [];
  return {
    fetched,
    fetch(url: string): Promise<Response> {
      fetched.push(url);
      return Promise.resolve(new Response(`body of ${url}`, { status: 200, headers: { 'content-type': 'text/html' } }));
    },
  };
}

function makeDialog() {
  const errors: [string, string][] = [];
  return { errors, showErrorBox: (title: string, content: string): void => void errors.push([title, content]) };
}

export let app = new FakeApp();
export let dialog = makeDialog();
export let ipcMain = new FakeIpcMain();
export let ipcRenderer = new FakeIpcRenderer();
export let protocol = new FakeProtocol();
export let session = { defaultSession: new FakeSession() };
export let shell = makeShell();
export let contextBridge = makeContextBridge();
export let net = makeNet();

/** Fresh fakes for the next test (ES exports are live bindings, so importers see the new ones). */
export function resetElectronFake(): void {
  app = new FakeApp();
  dialog = makeDialog();
  ipcMain = new FakeIpcMain();
  ipcRenderer = new FakeIpcRenderer();
  protocol = new FakeProtocol();
  session = { defaultSession: new FakeSession() };
  shell = makeShell();
  contextBridge = makeContextBridge();
  net = makeNet();
  BrowserWindow.instances = [];
  Tray.instances = [];
  Notification.shown = [];
  Notification.supported = true;
}
