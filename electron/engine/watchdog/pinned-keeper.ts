import type { Cooldown } from '../loader/cooldown.js';
import type { EngineContext } from '../context.js';
import type { ModelSlot } from '../model-slot.js';
import { holdAfterStart, keepPinned, type KeptModel } from './keep-pinned.js';

/**
 * A watchdog check that keeps pinned models loaded (issue 10 item 4): it starts a pinned model that is
 * stopped or failed (a crash, a failed start, an unhealthy recycle, a pin written into the file), and
 * leaves one alone that the user unloaded by hand until it is started or pinned again. Decisions come
 * from `keepPinned`; starts go through the engine's one load path.
 */
export class PinnedKeeper {
  /** Models unloaded by hand since their last start or pin. */
  private readonly released = new Set<string>();
  private readonly restarts = new Map<string, Cooldown>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly load: (slot: ModelSlot) => Promise<unknown>,
  ) {
    ctx.events.subscribe((e) => {
      if (!e.model) return;
      if (e.type === 'model_stopped' && e.reason === 'manual') this.released.add(e.model);
      else if (e.type === 'model_starting' || e.type === 'model_pinned') this.released.delete(e.model);
    });
  }

  readonly check = (): void => {
    const { ctx } = this;
    const now = ctx.clock.now();
    const models: KeptModel[] = [];
    for (const slot of ctx.slots.values()) {
      const inst = slot.instance;
      models.push({
        name: slot.name,
        pinned: slot.config.pinned,
        ready: inst?.state === 'ready',
        active: Boolean((inst && inst.state !== 'stopped') || slot.pending || slot.reserved || slot.removed),
        released: this.released.has(slot.name),
        cooldownUntil: slot.cooldown?.until ?? null,
      });
    }
    const d = keepPinned(now, models, this.restarts);
    for (const name of d.settled) this.restarts.delete(name);
    const s = ctx.settings();
    for (const name of d.start) {
      const slot = ctx.slots.get(name)!;
      this.restarts.set(name, holdAfterStart(this.restarts.get(name), now, s.loadFailureCooldownMs, s.loadFailureCooldownMaxMs));
      ctx.logger.info('starting a pinned model that is not loaded', { model: name });
      this.load(slot).catch((err: unknown) => {
        // An unload while the start waited for room cancels it: the user wants it stopped.
        if (slot.cancelLoad) this.released.add(name);
        // The failure itself is an event (model_failed, load_refused); the hold spaces the retries.
        ctx.logger.warn('a pinned model did not start', { model: name, error: err instanceof Error ? err.message : String(err) });
      });
    }
  };
}
