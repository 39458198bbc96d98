import type { BrowserWindowConstructorOptions } from 'electron';

/** The slice of BrowserWindow in use (a recording fake in tests). */
export interface WindowLike {
  readonly webContents: unknown;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

export interface DashboardWindowOptions<W extends WindowLike> {
  create(options: BrowserWindowConstructorOptions): W;
  options: BrowserWindowConstructorOptions;
  url: string;
  /** Runs once per new window, before it loads anything (navigation and permission guards). */
  harden(window: W): void;
  /** A page that fails to load is a packaging bug worth a log line, not a crash. */
  onLoadError(error: unknown): void;
}

/**
 * The one dashboard window. Created on first use, so a login start costs no renderer process; closing
 * it hides it (the app lives in the tray) unless the app is quitting.
 */
export class DashboardWindow<W extends WindowLike> {
  private window: W | null = null;
  private quitting = false;

  constructor(private readonly opts: DashboardWindowOptions<W>) {}

  /** The live window, if any (pushes go to it). */
  get(): W | null {
    return this.window && !this.window.isDestroyed() ? this.window : null;
  }

  show(): void {
    const existing = this.get();
    if (existing) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const window = this.opts.create(this.opts.options);
    this.window = window;
    this.opts.harden(window);
    window.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    // show: false + ready-to-show avoids a white flash before the first paint.
    window.once('ready-to-show', () => {
      window.show();
      window.focus();
    });
    window.loadURL(this.opts.url).catch((error: unknown) => this.opts.onLoadError(error));
  }

  /** From now on a close really closes (Quit, OS shutdown). */
  setQuitting(): void {
    this.quitting = true;
  }
}
