import type { EngineContext } from '../context.js';
import type { Unloader } from '../unloader.js';

/** Failed probes in a row after which a ready backend is recycled. */
export const HEALTH_FAILURES = 3;

/**
 * Probes ready backends every `health_check_interval` (a watchdog check): a backend that is alive but
 * no longer answers is stopped with reason `unhealthy` after HEALTH_FAILURES failures in a row, so the
 * next request starts a fresh one instead of getting 502 forever. Probes never overlap per instance.
 */
export class HealthChecker {
  constructor(
    private readonly ctx: EngineContext,
    private readonly unloader: Unloader,
  ) {}

  readonly check = (): void => {
    const { ctx } = this;
    const every = ctx.settings().healthCheckIntervalMs;
    if (every <= 0) return;
    const now = ctx.clock.now();
    for (const slot of ctx.slots.values()) {
      const inst = slot.instance;
      if (!inst || inst.state !== 'ready' || inst.probing || now - Math.max(inst.lastProbeAt, inst.loadedAt ?? 0) < every) continue;
      inst.lastProbeAt = now;
      inst.probing = true;
      void inst.backend
        .probe()
        .catch((err: unknown) => ({ ok: false, reason: String(err) }))
        .then((r) => {
          inst.probing = false;
          if (slot.instance !== inst || inst.state !== 'ready') return;
          if (r.ok) {
            inst.healthFailures = 0;
            return;
          }
          if (++inst.healthFailures < HEALTH_FAILURES) return;
          ctx.logger.warn('backend failed its health checks; recycling it', { model: slot.name, instance: inst.id, reason: r.reason });
          return this.unloader.stop(slot, inst, { kind: 'unhealthy', error: `${HEALTH_FAILURES} health checks in a row failed (${r.reason})` }).then(() => undefined);
        })
        .catch((err: unknown) => ctx.logger.error('health check failed', { model: slot.name, err: String(err) }));
    }
  };
}
