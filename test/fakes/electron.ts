/**
 * A recording stand-in for the `electron` module (vitest aliases `electron` to this file): the real
 * package throws at import where its binary is absent. Every fake records what it was asked to do and
 * stores handlers so tests can drive them; it implements only what the shell uses, with Electron's names.
 * Call `resetElectronFake()` in `beforeEach`: Electron's own modules are process-wide, and so are these.
 *
 * Where ordering or copying bugs could hide, it behaves as Electron does:
 * - App lifecycle: `ready` fires once the app awaits `whenReady()` (a macrotask later); windows, trays
 *   and `protocol.handle` throw before it, `registerSchemesAsPrivileged` throws after it. `quit()` emits
 *   `before-quit`, closes every window (a window's prevented `close` cancels the quit), emits
 *   `will-quit` and then `quit`; `preventDefault()` in the first two stops there. `exit(code)` ends at
 *   once without those events. `app.lifecycle` lists what happened, in order.
 * - IPC payloads are structured-cloned in both directions (handler arguments and results, `send`,
 *   `ipcRenderer.invoke` and its reply, the context bridge), so an Error loses its extra fields and a
 *   function or class instance fails or flattens exactly as it would across processes.
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

/** What crosses a process boundary in Electron: a structured clone (it throws on functions). */
export function ipcClone<T>(value: T): T {
  return structuredClone(value);
}

type AppState = 'launching' | 'ready' | 'quitting' | 'quit' | 'exited';

/** Event object of `before-quit`, `will-quit` and a window's `close`. */
export class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

class FakeApp extends Recorder {
  isPackaged = false;
  singleInstanceLock = true;
  loginItem = { openAtLogin: false };
  appPath = '/app';
  state: AppState = 'launching';
  exitCode: number | null = null;
  /** Lifecycle steps in order: 'ready', 'before-quit', 'will-quit', 'quit', 'exit(N)', 'quit-cancelled'. */
  readonly lifecycle: string[] = [];
  private readyScheduled = false;
  private readonly readyWaiters: (() => void)[] = [];
  readonly dock = { hide: (): void => this.record('dock.hide') };
  requestSingleInstanceLock(): boolean {
    this.record('requestSingleInstanceLock');
    return this.singleInstanceLock;
  }
  isReady(): boolean {
    return this.state !== 'launching';
  }
  /** `ready` comes once the main script has run its synchronous part and waits for it. */
  whenReady(): Promise<void> {
    this.record('whenReady');
    if (this.isReady()) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    if (!this.readyScheduled) {
      this.readyScheduled = true;
      setImmediate(() => {
        this.state = 'ready';
        this.lifecycle.push('ready');
        this.emit('will-finish-launching');
        this.emit('ready', {}, {});
        this.readyWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
    return waiting;
  }
  getAppPath(): string {
    return this.appPath;
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
  /** Electron's order: before-quit → close every window → will-quit → quit; each step may be prevented. */
  quit(): void {
    this.record('quit');
    if (this.state === 'quit' || this.state === 'exited' || this.state === 'quitting') return;
    const wasReady = this.isReady();
    // A listener may have called exit() meanwhile: then the process is gone and nothing else happens.
    const cancel = (why: string): void => {
      if (this.ended) return;
      this.lifecycle.push(`quit-cancelled(${why})`);
      this.state = wasReady ? 'ready' : 'launching';
    };
    this.state = 'quitting';
    if (!this.fire('before-quit') || this.ended) return cancel('before-quit');
    for (const win of [...BrowserWindow.instances]) if (!win.isDestroyed() && !win.close()) return cancel('window');
    if (!this.fire('will-quit') || this.ended) return cancel('will-quit');
    this.finish('quit', 0);
  }
  /** Ends at once: no before-quit, no will-quit, windows destroyed without `close`. */
  exit(code = 0): void {
    this.record('exit', code);
    if (this.state === 'quit' || this.state === 'exited') return;
    for (const win of BrowserWindow.instances) win.destroy();
    this.state = 'exited';
    this.exitCode = code;
    this.lifecycle.push(`exit(${code})`);
  }
  /** Whether the process would be gone by now. */
  get ended(): boolean {
    return this.state === 'quit' || this.state === 'exited';
  }
  private fire(name: 'before-quit' | 'will-quit'): boolean {
    const event = new PreventableEvent();
    this.lifecycle.push(name);
    this.emit(name, event);
    return !event.defaultPrevented;
  }
  private finish(name: 'quit', code: number): void {
    this.state = 'quit';
    this.exitCode = code;
    this.lifecycle.push(name);
    this.emit('quit', new PreventableEvent(), code);
  }
}

function requireReady(what: string): void {
  if (!app.isReady()) throw new Error(`Cannot create ${what} before app is ready`);
}

export class FakeWebContents extends Recorder {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  destroyed = false;
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  /** Where `send` delivers (a page in a test browser, say); the arguments arrive cloned. */
  private readonly sinks = new Set<(channel: string, ...args: unknown[]) => void>();
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = args.map(ipcClone);
    this.record('send', channel, ...cloned);
    for (const sink of this.sinks) sink(channel, ...cloned);
  }
  /** Receives what main sends to this page from now on; returns the unsubscribe. */
  onSend(sink: (channel: string, ...args: unknown[]) => void): () => void {
    this.sinks.add(sink);
    return () => void this.sinks.delete(sink);
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends Recorder {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    requireReady('BrowserWindow');
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.record('loadURL', url);
    this.webContents.emit('did-start-loading');
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
  /** Emits a preventable `close`; unless prevented, the window goes (`closed`). Returns whether it went. */
  close(): boolean {
    this.record('close');
    if (this.destroyed) return true;
    const event = new PreventableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }
  /** Gone without `close` (app.exit does this). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
  }
}

export class Tray extends Recorder {
  static instances: Tray[] = [];
  menu: FakeMenu | null = null;
  tooltip = '';
  title = '';
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    requireReady('Tray');
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
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
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
  /**
   * Calls the handler registered for `channel` as `ipcRenderer.invoke` would: the arguments and the
   * result are cloned, and a handler that throws rejects with Electron's wrapped message.
   */
  async invokeHandler(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel) as ((...a: unknown[]) => unknown) | undefined;
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const cloned = args.map(ipcClone);
    let result: unknown;
    try {
      result = await handler(event, ...cloned);
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
    return ipcClone(result);
  }
  /** A renderer's `ipcRenderer.send(channel, ...args)`: listeners get the event and cloned arguments. */
  sendFromRenderer(channel: string, event: unknown, ...args: unknown[]): void {
    this.emit(channel, event, ...args.map(ipcClone));
  }
}

class FakeProtocol extends Recorder {
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    if (app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.record('registerSchemesAsPrivileged', schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (!app.isReady()) throw new Error('The protocol module cannot be used before the app is ready');
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
  /** Main answers with a clone of what the handler returned, from a clone of what the page sent. */
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const cloned = args.map(ipcClone);
    this.record('invoke', channel, ...cloned);
    return ipcClone(await this.responder(channel, ...cloned));
  }
  send(channel: string, ...args: unknown[]): void {
    this.record('send', channel, ...args.map(ipcClone));
  }
  /** Main's `webContents.send(channel, ...args)` arriving in this page. */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: this }, ...args.map(ipcClone));
  }
}

function makeShell() {
  const opened: string[] = [];
  const openedPaths: string[] = [];
  return {
    opened,
    openedPaths,
    /** What `openPath` answers: '' (opened) or the reason it could not; tests replace it. */
    openPathAnswer: '',
    openExternal: (url: string): Promise<void> => (opened.push(url), Promise.resolve()),
    openPath(path: string): Promise<string> {
      openedPaths.push(path);
      return Promise.resolve(this.openPathAnswer);
    },
  };
}

/**
 * The context bridge copies what crosses it: functions become proxies whose arguments and results are
 * cloned (a function argument becomes a proxy in turn), promises resolve with clones, other values are
 * cloned at once. An Error keeps only its message (electron/electron#25596).
 */
function bridged(value: unknown): unknown {
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => bridged(fn(...args.map(bridged)));
  }
  if (value instanceof Promise) return value.then(bridged, (error: unknown) => Promise.reject(new Error(error instanceof Error ? error.message : String(error))));
  if (value !== null && typeof value === 'object' && Object.values(value).some((v) => typeof v === 'function')) {
    return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bridged(v)])));
  }
  return ipcClone(value);
}

function makeContextBridge() {
  const exposed = new Map<string, unknown>();
  return { exposed, exposeInMainWorld: (key: string, api: unknown): void => void exposed.set(key, bridged(api)) };
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

export interface OpenDialogOptions {
  title?: string;
  buttonLabel?: string;
  properties?: string[];
  filters?: { name: string; extensions: string[] }[];
}

function makeDialog() {
  const errors: [string, string][] = [];
  /** Each showOpenDialog call: the parent window (or null) and the options, cloned as they would cross into Electron. */
  const openDialogs: { parent: BrowserWindow | null; options: OpenDialogOptions }[] = [];
  return {
    errors,
    openDialogs,
    /** The files the user "picks" in the next Open dialog; an empty list is a cancel. Tests set it. */
    nextPick: [] as string[],
    showErrorBox: (title: string, content: string): void => void errors.push([title, content]),
    /** Electron's overloads: (options) or (window, options); resolves like the real one. */
    showOpenDialog(a: BrowserWindow | OpenDialogOptions, b?: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }> {
      requireReady('a dialog');
      const parent = a instanceof BrowserWindow ? a : null;
      const options = ipcClone((a instanceof BrowserWindow ? b : a) ?? {});
      openDialogs.push({ parent, options });
      const picked = [...this.nextPick];
      return Promise.resolve({ canceled: picked.length === 0, filePaths: picked });
    },
  };
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
