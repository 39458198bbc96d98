import type { MenuItemConstructorOptions } from 'electron';
import { assertNever } from '../../shared/assert-never.js';
import { isLoadoutError } from '../../shared/errors.js';
import type { CommandContext, CommandHandlers } from '../../shared/commands.js';
import type { GpuSnapshot } from '../../shared/gpu.js';
import type { ModelView } from '../../shared/model-view.js';
import type { Push } from '../../shared/push.js';
import type { Logger } from '../engine/platform/logger.js';
import { buildTrayTemplate, type TrayActions } from './tray-template.js';
import { trayTitle, trayTooltip } from './tray-tooltip.js';

/** The slice of Electron's Tray in use; `setTitle` exists on macOS only. */
export interface TrayLike<M> {
  setContextMenu(menu: M | null): void;
  setToolTip(text: string): void;
  setTitle?(text: string): void;
}

/** Where the "Start at login" checkbox reads and writes; `get` is null where unsupported. */
export interface LoginItemSetting {
  get(): Promise<boolean | null>;
  set(enabled: boolean): Promise<void>;
}

export interface TrayControllerOptions<M> {
  tray: TrayLike<M>;
  /** `Menu.buildFromTemplate` in main; identity in tests. */
  buildMenu(template: MenuItemConstructorOptions[]): M;
  commands: CommandHandlers;
  onPush(listener: (push: Push) => void): () => void;
  loginItem: LoginItemSetting;
  openDashboard(): void;
  /** Shows the dashboard with the Add model dialog open. */
  openAddModel(): void;
  quit(): void;
  /** Tells the user a click failed (a desktop notification in main). */
  notify(title: string, body: string): void;
  /** Runs `fn` on a later tick; pushes arriving before it share one rebuild. Defaults to setImmediate. */
  defer?(fn: () => void): void;
  /** Sets the macOS title next to the icon. */
  showTitle?: boolean;
  /** The clock of the tooltip's elapsed load times. */
  now?(): number;
  /** Calls `fn` every `ms` until the returned function is called; setInterval by default. */
  every?(fn: () => void, ms: number): () => void;
  logger?: Logger;
}

const TRAY: CommandContext = { origin: 'tray' };

/**
 * Keeps the tray menu, tooltip and title in step with the engine. It holds no state of its own beyond
 * the last GPU sample: every rebuild asks the same command handlers the dashboard uses, so the tray
 * cannot drift from what the API reports.
 */
export class TrayController<M> {
  private scheduled = false;
  private running: Promise<void> | null = null;
  private again = false;
  private gpu: GpuSnapshot | null = null;
  private models: ModelView[] = [];
  private unsubscribe: (() => void) | null = null;
  private disposed = false;
  private readonly defer: (fn: () => void) => void;
  private readonly actions: TrayActions;
  /** Runs while a model starts: the tooltip's elapsed time moves once a second without menu rebuilds. */
  private stopTicking: (() => void) | null = null;

  constructor(private readonly opts: TrayControllerOptions<M>) {
    this.defer = opts.defer ?? ((fn) => void setImmediate(fn));
    const attempt = (what: string, name: string, run: () => Promise<unknown>) => {
      run().then(
        () => this.requestRebuild(),
        (error: unknown) => {
          // A refused load says the rule and the way out (its hint) rather than only what blocks it.
          const hint = isLoadoutError(error) ? error.details.hint : undefined;
          opts.notify(`Could not ${what} ${name}`, hint ?? (error instanceof Error ? error.message : String(error)));
          this.requestRebuild();
        },
      );
    };
    this.actions = {
      load: (name) => attempt('load', name, () => opts.commands['models.load']({ name }, TRAY)),
      unload: (name) => attempt('unload', name, () => opts.commands['models.unload']({ name }, TRAY)),
      setPinned: (name, pinned) => attempt(pinned ? 'pin' : 'unpin', name, () => opts.commands['models.setPinned']({ name, pinned }, TRAY)),
      setStartAtLogin: (enabled) => attempt(enabled ? 'enable' : 'disable', 'start at login', () => opts.loginItem.set(enabled)),
      openDashboard: () => opts.openDashboard(),
      openAddModel: () => opts.openAddModel(),
      quit: () => opts.quit(),
    };
  }

  /** Builds the first menu and follows pushes from then on. */
  start(): Promise<void> {
    this.unsubscribe = this.opts.onPush((push) => this.onPush(push));
    this.requestRebuild();
    return this.whenIdle();
  }

  /** Resolves once no rebuild is pending (for tests and orderly shutdown). */
  async whenIdle(): Promise<void> {
    while (this.scheduled || this.running) {
      if (this.running) await this.running;
      else await new Promise<void>((resolve) => this.defer(resolve));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.stopTicking?.();
    this.stopTicking = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private onPush(push: Push): void {
    switch (push.type) {
      case 'gpu':
        // Samples arrive every second or so: refresh the texts only; rebuilding a menu the user may have
        // open that often makes it flicker on Linux. Per-model VRAM lines follow `model` pushes.
        this.gpu = push.gpu;
        this.applyTexts();
        return;
      case 'event':
      case 'model':
      case 'settings':
        this.requestRebuild();
        return;
      case 'log':
      case 'ui':
      case 'try':
        return;
      default:
        assertNever(push, 'push');
    }
  }

  private requestRebuild(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.running = this.rebuild().finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.requestRebuild();
        }
      });
    });
  }

  private async rebuild(): Promise<void> {
    try {
      const [list, gpu, startAtLogin] = await Promise.all([
        this.opts.commands['models.list']({}, TRAY),
        this.opts.commands['gpu.get']({}, TRAY),
        this.opts.loginItem.get(),
      ]);
      if (this.disposed) return;
      this.models = list.models;
      this.gpu = gpu;
      this.opts.tray.setContextMenu(this.opts.buildMenu(buildTrayTemplate({ models: list.models, gpu, startAtLogin }, this.actions)));
      this.applyTexts();
    } catch (error) {
      // The next push retries; a tray that stays one step behind beats a main process that crashes.
      this.opts.logger?.error('tray menu refresh failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private applyTexts(): void {
    if (this.disposed) return;
    const starting = this.models.some((m) => m.state === 'starting');
    if (starting && !this.stopTicking) {
      const every = this.opts.every ?? ((fn, ms) => {
        const h = setInterval(fn, ms);
        return () => clearInterval(h);
      });
      this.stopTicking = every(() => this.applyTexts(), 1000);
    } else if (!starting && this.stopTicking) {
      this.stopTicking();
      this.stopTicking = null;
    }
    this.opts.tray.setToolTip(trayTooltip(this.models, this.gpu, this.opts.now?.() ?? Date.now()));
    if (this.opts.showTitle) this.opts.tray.setTitle?.(trayTitle(this.gpu));
  }
}
