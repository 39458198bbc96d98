import { LoadoutError } from '../../shared/errors.js';
import type { StartTrigger } from '../../shared/events.js';
import type { LoadPlanView, ModelView } from '../../shared/model-view.js';
import type { Push } from '../../shared/push.js';
import type { WatchdogPatch, WatchdogSettingsView } from '../../shared/settings.js';
import type { LoadoutConfig, ModelConfig, WatchdogSettings } from './config/types.js';
import type { EngineContext } from './context.js';
import type { EventLog } from './events/event-log.js';
import type { Lease } from './loader/lease.js';
import type { Launcher } from './loader/launcher.js';
import { Loader } from './loader/loader.js';
import { ModelSlot } from './model-slot.js';
import type { Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import { PushBus } from './push-bus.js';
import { RequestStats, type FinishedRequest } from './stats/request-stats.js';
import { Signal } from './signal.js';
import { Unloader } from './unloader.js';
import { applyWatchdogPatch, watchdogView } from './config/watchdog-settings.js';
import { changedSettings, modelView } from './views.js';
import { Watchdog } from './watchdog/watchdog.js';
import { HealthChecker } from './watchdog/health-checker.js';
import { MemoryReclaimer } from './watchdog/memory-reclaimer.js';
import { PinnedKeeper } from './watchdog/pinned-keeper.js';
import type { MemoryOracle } from './gpu/memory-oracle.js';
import { KeyedThrottle } from './progress/keyed-throttle.js';
import { parseLoadProgress } from './progress/load-progress-line.js';
import type { LoadTimes } from './progress/load-times.js';

/** Where pinning and settings changes are written back (the config file, keeping comments). */
export interface ConfigPersistence {
  writePinned(model: ModelConfig, pinned: boolean): Promise<void>;
  writeWatchdog(patch: WatchdogPatch): Promise<void>;
}

export interface EngineDeps {
  config: LoadoutConfig;
  launcher: Launcher;
  clock: Clock;
  logger: Logger;
  events: EventLog;
  persistence: ConfigPersistence;
  logTail(model: string, instance: number, n: number): string[];
  /** Past load durations, for the ETA of a starting model; without it a load has no ETA. */
  loadTimes?: LoadTimes;
}

/** Load progress reaches the faces at most this often per model (4 a second). */
const PROGRESS_PUSH_MS = 250;

export type { Lease } from './loader/lease.js';

/**
 * The engine: one object behind the desktop app, `loadout serve` and the CLI. It owns the model slots;
 * the loader starts, the watchdog and admission decide, the unloader stops.
 */
export class Engine {
  private config: LoadoutConfig;
  private watchdogSettings: WatchdogSettings;
  private readonly slots = new Map<string, ModelSlot>();
  private readonly ctx: EngineContext;
  private readonly loader: Loader;
  private readonly unloader: Unloader;
  readonly watchdog: Watchdog;
  private readonly bus: PushBus<ModelSlot>;
  private shuttingDown: Promise<void> | null = null;
  private readonly vram = new Map<string, number>();
  /** RSS of each model's process group, on machines without GPU data. */
  private readonly ram = new Map<string, number>();
  private readonly estimates = new Map<string, number>();
  private memory: MemoryOracle | null = null;
  private readonly requestStats = new RequestStats();
  private readonly progressPushes: KeyedThrottle<ModelSlot>;

  constructor(private readonly deps: EngineDeps) {
    this.config = deps.config;
    this.bus = new PushBus((slot) => this.view(slot), deps.logger);
    this.progressPushes = new KeyedThrottle(deps.clock, PROGRESS_PUSH_MS, (slot) => this.markDirty(slot));
    this.watchdogSettings = deps.config.watchdog;
    for (const m of deps.config.models) this.slots.set(m.name, new ModelSlot(m));
    this.ctx = {
      clock: deps.clock,
      logger: deps.logger,
      events: deps.events,
      changed: new Signal(),
      slots: this.slots,
      settings: () => this.watchdogSettings,
      notify: (slot) => this.markDirty(slot),
      logTail: deps.logTail,
      vramOf: (name) => this.vram.get(name) ?? null,
      memory: () => this.memory,
      loadTimes: deps.loadTimes ?? null,
    };
    this.unloader = new Unloader(this.ctx);
    this.loader = new Loader(this.ctx, deps.launcher, this.unloader, () => this.shuttingDown !== null);
    this.watchdog = new Watchdog(this.ctx, this.unloader);
    this.watchdog.addCheck(new HealthChecker(this.ctx, this.unloader).check);
    this.watchdog.addCheck(new PinnedKeeper(this.ctx, (slot) => this.loader.request(slot, 'pinned', false)).check);
    deps.events.subscribe((event) => this.emit({ type: 'event', event }));
  }

  start(): void {
    this.watchdog.start();
  }

  get context(): EngineContext {
    return this.ctx;
  }

  get configFile(): string {
    return this.config.file;
  }

  get currentConfig(): LoadoutConfig {
    return this.config;
  }

  // ---- reads -------------------------------------------------------------------------------

  listModels(): ModelView[] {
    return [...this.slots.values()].sort((a, b) => a.name.localeCompare(b.name)).map((s) => this.view(s));
  }

  getModel(name: string): ModelView {
    return this.view(this.slot(name));
  }

  /** A model by name or alias (for the OpenAI router), or null. */
  resolve(nameOrAlias: string): ModelSlot | null {
    const direct = this.slots.get(nameOrAlias);
    if (direct) return direct;
    for (const s of this.slots.values()) if (s.config.aliases.includes(nameOrAlias)) return s;
    return null;
  }

  /** Running backends (starting or ready) by their process-group leader's pid. */
  liveBackends(): { model: string; pid: number; instance: number }[] {
    const out: { model: string; pid: number; instance: number }[] = [];
    for (const slot of this.slots.values()) {
      const inst = slot.instance;
      if (inst && inst.state !== 'stopped' && inst.pid !== null) out.push({ model: slot.name, pid: inst.pid, instance: inst.id });
    }
    return out;
  }

  settings(): WatchdogSettingsView {
    return watchdogView(this.watchdogSettings);
  }

  rawSettings(): WatchdogSettings {
    return this.watchdogSettings;
  }

  // ---- commands ----------------------------------------------------------------------------

  async load(name: string, trigger: StartTrigger): Promise<ModelView> {
    const slot = this.slot(name);
    await this.loader.request(slot, trigger, false);
    return this.view(slot);
  }

  /** What a load would do now (CONTRACT §8 preflight): no side effects. */
  plan(name: string): LoadPlanView {
    return this.loader.plan(this.slot(name));
  }

  /**
   * A line a backend wrote (the log store hands every line here). Only a starting instance's lines are
   * read, for its load progress; anything else costs one map lookup.
   */
  observeBackendLine(model: string, instance: number, text: string): void {
    const slot = this.slots.get(model);
    const inst = slot?.instance;
    if (!slot || !inst || inst.id !== instance || inst.state !== 'starting') return;
    const progress = parseLoadProgress(text);
    if (progress === null || progress === inst.progress) return;
    inst.progress = progress;
    this.progressPushes.request(slot);
  }

  /** Unloading a starting model cancels its load: the process group is stopped, its waiters get `load_cancelled`. */
  async unload(name: string, force = false): Promise<ModelView> {
    const slot = this.slot(name);
    const queued = (): Promise<unknown> | null => (slot.instance === null ? slot.pending : null);
    if (queued()) {
      // Still waiting for room: the load gives up (it wakes on the signal) and nothing starts.
      slot.cancelLoad = true;
      this.ctx.changed.fire();
      for (let p = queued(); p; p = queued()) await Promise.race([p.catch(() => undefined), this.ctx.changed.wait()]);
    }
    const inst = slot.instance;
    if (inst?.state === 'starting') {
      const load = slot.pending;
      await this.unloader.stop(slot, inst, { kind: 'manual', force, note: 'load cancelled', cancelled: true });
      await load?.catch(() => undefined); // its waiters have their answer: the view says stopped, not starting
    } else if (inst) await this.unloader.stop(slot, inst, { kind: 'manual', force });
    return this.view(slot);
  }

  /**
   * Counts a request on the model's ready instance, loading it first if needed. The lease is taken
   * in the same step as the instance becomes ready (see Loader.request).
   */
  acquire(slot: ModelSlot, trigger: StartTrigger): Promise<Lease> {
    return this.loader.request(slot, trigger, true);
  }

  /** `acquire` when it needs no wait: a lease on the ready instance now, else null (then call acquire). */
  leaseNow(slot: ModelSlot): Lease | null {
    return this.loader.leaseNow(slot);
  }

  /**
   * A proxied request could not connect, was reset, or got no answer in time: probe the instance now.
   * An unhealthy one is recycled (stopped at once, reason `unhealthy`) and true is returned, so the
   * caller may retry the request once on a fresh instance. A backend that exited is not retried.
   */
  async recycleIfBroken(lease: Lease, error: string): Promise<boolean> {
    const inst = lease.instance;
    const slot = this.slots.get(lease.model);
    if (!slot || inst.exit) return false;
    if (inst.state === 'stopping' || inst.state === 'stopped') return inst.recycled;
    const r = await inst.backend.probe().catch((err: unknown) => ({ ok: false, reason: String(err) }));
    if (r.ok || inst.exit || slot.instance !== inst) return false;
    void this.unloader.stop(slot, inst, { kind: 'unhealthy', error: `${error}; health check: ${r.reason}` });
    return true;
  }

  /** Pin means kept loaded: pinning a model that is not running starts it (not awaited; a failure is an event). */
  async setPinned(name: string, pinned: boolean, trigger: StartTrigger = 'api'): Promise<ModelView> {
    const slot = this.slot(name);
    if (slot.config.pinned !== pinned) {
      await this.deps.persistence.writePinned(slot.config, pinned);
      slot.config = { ...slot.config, pinned };
      this.config = { ...this.config, models: this.config.models.map((m) => (m.name === name ? slot.config : m)) };
      this.deps.events.append({ type: pinned ? 'model_pinned' : 'model_unpinned', model: name, reason: null, message: `${name} ${pinned ? 'pinned' : 'unpinned'}`, data: {} });
      this.markDirty(slot);
      if (pinned && !slot.live && !slot.pending) {
        this.loader.request(slot, trigger, false).catch((err: unknown) => this.deps.logger.warn('loading a pinned model failed', { model: name, error: err instanceof Error ? err.message : String(err) }));
      }
    }
    return this.view(slot);
  }

  async updateSettings(patch: WatchdogPatch): Promise<WatchdogSettingsView> {
    const next = applyWatchdogPatch(this.watchdogSettings, patch);
    const changed = changedSettings(this.watchdogSettings, next);
    if (changed.length === 0) return this.settings();
    await this.deps.persistence.writeWatchdog(Object.fromEntries(changed.map((k) => [k, watchdogView(next)[k]])));
    this.setWatchdogSettings(next, changed);
    return this.settings();
  }

  /** A new config from a reload: models added, removed or changed; settings applied live. */
  applyConfig(next: LoadoutConfig): void {
    const unchanged = sameConfig(this.config, next);
    this.config = next;
    const names = new Set(next.models.map((m) => m.name));
    for (const m of next.models) {
      const slot = this.slots.get(m.name);
      if (!slot) this.slots.set(m.name, new ModelSlot(m));
      else {
        if (launchChanged(slot.config, m)) slot.cooldown = null; // a fixed config gets a fresh try
        slot.config = m; // pinned and groups apply at once; a changed cmd on the next start
        slot.removed = false;
        this.markDirty(slot);
      }
    }
    for (const slot of [...this.slots.values()]) {
      if (names.has(slot.name)) continue;
      slot.removed = true;
      if (slot.instance) void this.unloader.stop(slot, slot.instance, { kind: 'manual', force: false, note: 'removed from the config' });
      else if (slot.pending) this.ctx.changed.fire(); // a load waiting for room gives up and removes the slot
      else this.slots.delete(slot.name);
    }
    const changed = changedSettings(this.watchdogSettings, next.watchdog);
    if (changed.length) this.setWatchdogSettings(next.watchdog, changed);
    if (!unchanged) {
      this.deps.events.append({ type: 'config_reloaded', model: null, reason: null, message: `config reloaded from ${next.file}: ${next.models.length} models`, data: { file: next.file, models: next.models.length } });
    }
    this.emitAllModels();
  }

  /** Stops every backend (graceful, then forced) and refuses new loads. Idempotent. */
  shutdown(): Promise<void> {
    if (this.shuttingDown) return this.shuttingDown;
    this.watchdog.dispose();
    this.progressPushes.dispose();
    this.shuttingDown = (async () => {
      const pendings = [...this.slots.values()].map((s) => s.pending?.catch(() => undefined));
      const stops = [...this.slots.values()].filter((s) => s.instance).map((s) => this.unloader.stop(s, s.instance!, { kind: 'shutdown' }));
      await Promise.all(stops);
      await Promise.all(pendings);
      // A start that was admitted during the stops above has been refused; anything still there goes now.
      await Promise.all([...this.slots.values()].filter((s) => s.instance).map((s) => this.unloader.stop(s, s.instance!, { kind: 'shutdown' })));
    })();
    return this.shuttingDown;
  }

  // ---- GPU data ----------------------------------------------------------------------------

  setVram(perModel: Map<string, number>): void {
    this.setMeasured(this.vram, perModel);
  }

  /** RSS per model on machines without GPU data (the RAM device). */
  setRam(perModel: Map<string, number>): void {
    this.setMeasured(this.ram, perModel);
  }

  /** Replaces one per-model measurement, pushing the views of the models whose value changed. */
  private setMeasured(current: Map<string, number>, perModel: Map<string, number>): void {
    for (const slot of this.slots.values()) {
      const v = perModel.get(slot.name) ?? null;
      if ((current.get(slot.name) ?? null) === v) continue;
      if (v === null) current.delete(slot.name);
      else current.set(slot.name, v);
      this.markDirty(slot);
    }
  }

  /** Memory knowledge for fit-before-load and the reclaimer (the GPU monitor provides it). */
  attachMemory(oracle: MemoryOracle): void {
    this.memory = oracle;
    this.watchdog.addCheck(new MemoryReclaimer(this.ctx, this.unloader, oracle).check);
  }

  estimateOf(name: string): number | null {
    return this.estimates.get(name) ?? null;
  }

  setEstimate(name: string, bytes: number | null): void {
    if (bytes === null) this.estimates.delete(name);
    else this.estimates.set(name, bytes);
  }

  // ---- request statistics ------------------------------------------------------------------

  /** A request the HTTP faces finished: counted into the model's `stats`, which every face reads. */
  recordRequest(r: FinishedRequest): void {
    const slot = this.slots.get(r.model);
    if (!slot) return; // unknown model (404) or one removed meanwhile
    this.requestStats.record(r);
    this.markDirty(slot);
  }

  // ---- pushes ------------------------------------------------------------------------------

  onPush(listener: (p: Push) => void): () => void {
    return this.bus.subscribe(listener);
  }

  emit(p: Push): void {
    this.bus.emit(p);
  }

  private setWatchdogSettings(next: WatchdogSettings, changed: string[]): void {
    const view = watchdogView(next);
    this.watchdogSettings = next;
    this.config = { ...this.config, watchdog: next };
    this.deps.events.append({
      type: 'settings_changed',
      model: null,
      reason: null,
      message: `watchdog settings changed: ${changed.map((k) => `${k}=${String(view[k as keyof typeof view])}`).join(', ')}`,
      data: { changed, ...Object.fromEntries(changed.map((k) => [k, view[k as keyof typeof view]])) },
    });
    this.emit({ type: 'settings', settings: view });
    this.emitAllModels(); // idle deadlines depend on the settings
  }

  private emitAllModels(): void {
    for (const slot of this.slots.values()) this.markDirty(slot);
  }

  private slot(name: string): ModelSlot {
    const slot = this.slots.get(name);
    if (!slot) throw new LoadoutError('model_not_found', `no model named "${name}" is configured`);
    return slot;
  }

  private view(slot: ModelSlot): ModelView {
    const eta = (): number | null => this.deps.loadTimes?.etaMs(slot.config) ?? null;
    return modelView(slot, this.watchdogSettings, this.vram.get(slot.name) ?? null, slot.config.vramBytes ?? this.estimates.get(slot.name) ?? null, this.deps.clock.now(), this.ram.get(slot.name) ?? null, this.requestStats.view(slot.name), eta);
  }

  private markDirty(slot: ModelSlot): void {
    this.bus.changed(slot);
  }
}

/** Our own write-backs (pinning, settings) come back through the watcher: they are not news. */
function sameConfig(a: LoadoutConfig, b: LoadoutConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether what a start runs changed (a load-failure cooldown ends then). */
function launchChanged(a: ModelConfig, b: ModelConfig): boolean {
  return a.cmd !== b.cmd || a.args !== b.args || a.model !== b.model || a.health !== b.health || JSON.stringify(a.env) !== JSON.stringify(b.env);
}
