import type { Timer } from '../platform/clock.js';
import type { EngineContext } from '../context.js';
import type { Unloader } from '../unloader.js';
import { decideWatchdog, type WatchdogDecision, type WatchedInstance } from './policy.js';

/**
 * One long-lived watchdog whose settings are read on every tick, so live changes apply without
 * replacing it (LocalAI hazards B-5, B-6). Decisions come from the pure policy; acting goes through the
 * one unload path, and only if the decided instance is still the current one.
 */
export class Watchdog {
  private timer: Timer | null = null;
  private disposed = false;
  /** Extra checks run on each tick (the memory reclaimer plugs in here). */
  private readonly extras: (() => void)[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly unloader: Unloader,
  ) {}

  start(): void {
    this.schedule();
  }

  addCheck(check: () => void): void {
    this.extras.push(check);
  }

  /** One pass of the checks; public so tests on fake time can drive it directly. */
  tick(): void {
    this.apply(this.decide());
    for (const check of this.extras) check();
  }

  /** The pure policy's decisions for now. */
  decide(): WatchdogDecision[] {
    return decideWatchdog(this.ctx.clock.now(), this.watched(), this.ctx.settings());
  }

  /** Acts on decisions, each only if the instance it names is still the model's current one. */
  apply(decisions: WatchdogDecision[]): void {
    const { ctx } = this;
    for (const d of decisions) {
      const slot = ctx.slots.get(d.name);
      const inst = slot?.instance;
      if (!slot || !inst || inst.id !== d.instance) continue;
      const secs = Math.round(d.forMs / 1000);
      const detail = d.reason === 'idle' ? `idle for ${secs}s` : `one request in flight for ${secs}s (busy_timeout)`;
      ctx.logger.info('watchdog stops an instance', { model: d.name, instance: d.instance, reason: d.reason });
      void this.unloader.stop(slot, inst, { kind: 'evicted', reason: d.reason, force: d.reason === 'busy_timeout', detail, forMs: d.forMs }).catch((err: unknown) => {
        ctx.logger.error('watchdog stop failed', { model: d.name, err: String(err) });
      });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    if (this.disposed) return;
    this.timer = this.ctx.clock.setTimeout(() => {
      try {
        this.tick();
      } finally {
        this.schedule();
      }
    }, Math.max(50, this.ctx.settings().intervalMs));
  }

  private watched(): WatchedInstance[] {
    const out: WatchedInstance[] = [];
    for (const slot of this.ctx.slots.values()) {
      const inst = slot.instance;
      if (!inst || inst.state === 'stopped') continue;
      // A graceful unload waiting for a stuck request is still subject to the busy timeout.
      const draining = inst.state === 'stopping' && inst.inflight > 0;
      if (inst.state === 'stopping' && !draining) continue;
      out.push({
        name: slot.name,
        instance: inst.id,
        state: inst.state === 'starting' ? 'starting' : 'ready',
        pinned: slot.config.pinned,
        inflight: inst.inflight,
        busySince: inst.busySince,
        idleSince: inst.idleSince,
        ttlMs: slot.config.ttlMs,
      });
    }
    return out;
  }
}
