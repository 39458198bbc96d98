import type { ModelView } from '../../../../shared/model-view.js';
import type { Clock, Timer } from '../../../engine/platform/clock.js';
import type { Logger } from '../../../engine/platform/logger.js';

const GO_DURATION = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/;
const GO_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * An Ollama `keep_alive` in milliseconds: a number of seconds or a Go duration (`5m`, `1h30m`, `300ms`).
 * Negative means "forever" (-1). Returns undefined when absent, or a message when malformed.
 */
export function parseKeepAlive(value: unknown): number | undefined | { error: string } {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? -1 : Math.round(value * 1000);
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(s)) return parseKeepAlive(Number(s));
    const m = GO_DURATION.exec(s);
    if (m) {
      if (m[1] === '-') return -1;
      let ms = 0;
      for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(part[1]) * GO_UNIT_MS[part[2]!]!;
      return Math.round(ms);
    }
  }
  return { error: 'keep_alive: expected a number of seconds or a duration such as 5m, 1h30m or -1' };
}

/**
 * What a client's keep_alive hint does (pure): the number of ms after its request ends at which the
 * model is unloaded, or null when the hint changes nothing. The hint may shorten the idle time the
 * config allows, never lengthen it; pinned models and "forever" hints keep the configured behaviour.
 * `configuredMs` is the model's effective idle timeout, 0 when it never idles out.
 */
export function keepAliveDelay(hintMs: number, configuredMs: number, pinned: boolean): number | null {
  if (pinned || hintMs < 0) return null;
  if (configuredMs > 0 && hintMs >= configuredMs) return null;
  return hintMs;
}

export interface KeepAliveEngine {
  getModel(name: string): ModelView;
  unload(name: string, force?: boolean): Promise<ModelView>;
}

/**
 * Unloads models whose honoured keep_alive ran out. One timer per model; a new request for the model
 * cancels it, and a model used since (by any client), busy or awaited when the timer fires is left alone.
 */
export class KeepAliveTimers {
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly engine: KeepAliveEngine,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** A request for `model` began: any pending unload for it is off. */
  requestStarted(model: string): void {
    this.timers.get(model)?.cancel();
    this.timers.delete(model);
  }

  /** A request ended with a keep_alive of `delayMs` (0 = unload now). */
  requestEnded(model: string, delayMs: number): void {
    this.requestStarted(model);
    const endedAt = this.clock.now();
    const fire = () => {
      this.timers.delete(model);
      let view: ModelView;
      try {
        view = this.engine.getModel(model);
      } catch {
        return; // removed from the config meanwhile
      }
      const usedSince = view.last_used_at !== null && Date.parse(view.last_used_at) > endedAt;
      if (view.state !== 'ready' || view.inflight > 0 || view.queued > 0 || usedSince) return;
      this.logger.info('keep_alive ran out; unloading', { model, keep_alive_ms: delayMs });
      this.engine.unload(model).catch((err: unknown) => this.logger.warn('keep_alive unload failed', { model, err: String(err) }));
    };
    if (delayMs === 0) return fire();
    this.timers.set(model, this.clock.setTimeout(fire, delayMs));
  }

  dispose(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
