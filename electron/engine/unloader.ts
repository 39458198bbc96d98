import type { EvictionReason } from '../../shared/events.js';
import { formatDuration, humanBytes } from '../../shared/units.js';
import { usedBytes } from './gpu/memory-oracle.js';
import type { EngineContext } from './context.js';
import type { Instance } from './loader/instance.js';
import type { ExitInfo } from './loader/launcher.js';
import type { ModelSlot } from './model-slot.js';

/** How long an eviction waits for its memory to show as free before reporting anyway. */
const RELEASE_TIMEOUT_MS = 15_000;

export type StopCause =
  | { kind: 'manual'; force: boolean; note?: string; cancelled?: boolean }
  | { kind: 'evicted'; reason: EvictionReason; force: boolean; for?: string | null; group?: string | null; detail: string; vramBefore?: number | null; forMs?: number }
  | { kind: 'shutdown' }
  /** A backend that stopped answering (connect refused, reset, or failed health checks): stopped at once. */
  | { kind: 'unhealthy'; error: string };

/**
 * The one unload path (ARCHITECTURE principle 7): manual, LRU, group, idle, busy timeout, memory and
 * shutdown all come here; a process that exits on its own comes to `exited`. Both untrack the instance
 * and emit the event with its reason, so nothing is left behind to inflate counts (LocalAI hazard B-1).
 */
export class Unloader {
  constructor(private readonly ctx: EngineContext) {}

  stop(slot: ModelSlot, inst: Instance, cause: StopCause): Promise<ExitInfo> {
    if (inst.stopping) {
      // A graceful stop may be waiting for requests to finish: a forced stop (unload --force, the busy
      // timeout) or shutdown must not wait behind it.
      // A graceful stop may be draining requests: a forced stop (unload --force, the busy timeout, an
      // unhealthy backend) must not wait behind it. Shutdown drains with its own bound, like any stop.
      if (forced(cause)) {
        inst.skipIdleWait = true;
        this.ctx.changed.fire();
        void inst.backend.stop({ force: true });
      }
      return inst.stopping;
    }
    const { ctx } = this;
    const before = ctx.vramOf(slot.name);
    if (cause.kind === 'manual' && cause.cancelled) inst.cancelled = true;
    inst.state = 'stopping';
    ctx.notify(slot);
    if (cause.kind === 'evicted') {
      ctx.events.append({
        type: 'model_evicted',
        model: slot.name,
        reason: cause.reason,
        message: `${slot.name} evicted: ${cause.detail}`,
        data: { for: cause.for ?? null, group: cause.group ?? null, vram_bytes: before, vram_before: cause.vramBefore ?? null, instance: inst.id, ...(cause.forMs !== undefined ? { for_ms: cause.forMs } : {}) },
      });
    }
    const force = forced(cause);
    if (cause.kind === 'unhealthy') {
      inst.recycled = true;
      inst.cutReason = `${slot.name} was recycled: ${cause.error}`;
      slot.lastError = { code: 'unhealthy', message: inst.cutReason, exit_code: null, log_tail: ctx.logTail(slot.name, inst.id, 20), at: new Date(ctx.clock.now()).toISOString() };
    }
    else if (force) inst.cutReason = `${slot.name} was stopped with force (${cause.kind === 'evicted' ? cause.reason : 'unload --force'})`;
    let drained = true;
    inst.stopping = (async () => {
      if ((cause.kind === 'manual' || cause.kind === 'shutdown') && !force) drained = await this.drain(slot, inst, cause.kind === 'shutdown' ? 'shut down' : 'unloaded');
      return inst.backend.stop({ force });
    })();
    const pid = inst.pid;
    const since = ctx.clock.now();
    return inst.stopping.then(async (exit) => {
      this.untrack(slot, inst, exit);
      // An eviction made room: its stop is complete once the memory shows as free (VRAM comes back
      // after the process exits, not with it), and the event says how much came back.
      const oracle = ctx.memory();
      let after: number | null = null;
      if (cause.kind === 'evicted' && oracle?.info()?.kind === 'gpu' && pid !== null) {
        await oracle.released([pid], since, RELEASE_TIMEOUT_MS);
        after = usedBytes(oracle.info());
      }
      const reason = cause.kind === 'evicted' ? 'evicted' : cause.kind;
      const freed = after !== null && cause.kind === 'evicted' && cause.vramBefore != null ? `; GPU memory ${humanBytes(cause.vramBefore)} → ${humanBytes(after)}` : '';
      const why = cause.kind === 'evicted' ? `evicted: ${cause.reason}` : cause.kind === 'manual' && cause.note ? cause.note : cause.kind === 'unhealthy' ? `unhealthy: ${cause.error}` : reason;
      ctx.events.append({
        type: 'model_stopped',
        model: slot.name,
        reason,
        message: `${slot.name} stopped (${why})${freed}${drained ? '' : `; ${inst.cutReason ?? 'requests in flight were cut'}`}`,
        data: {
          exit_code: exit.exitCode,
          signal: exit.signal,
          instance: inst.id,
          ...(cause.kind === 'evicted' ? { vram_before: cause.vramBefore ?? null, vram_after: after } : {}),
          ...(cause.kind === 'unhealthy' ? { error: cause.error } : {}),
          ...(drained ? {} : { drained: false }),
          ...(inst.cancelled ? { cancelled: true } : {}),
        },
      });
      return exit;
    });
  }

  /** The backend died on its own: record why, untrack it, and leave the model `failed` until the next start. */
  exited(slot: ModelSlot, inst: Instance, exit: ExitInfo): void {
    if (inst.stopping || inst.state === 'stopping' || inst.state === 'stopped') return;
    if (inst.state === 'starting') return; // the loader reports start failures itself
    const { ctx } = this;
    const tail = ctx.logTail(slot.name, inst.id, 20);
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    const message = `${slot.name} ${how}${tail.length ? `: ${tail[tail.length - 1]}` : ''}`;
    slot.lastError = { code: 'exited', message, exit_code: exit.exitCode, log_tail: tail, at: new Date(ctx.clock.now()).toISOString() };
    this.untrack(slot, inst, exit);
    ctx.logger.warn('backend exited on its own', { model: slot.name, instance: inst.id, exit_code: exit.exitCode, signal: exit.signal });
    ctx.events.append({
      type: 'model_stopped',
      model: slot.name,
      reason: 'exited',
      message,
      data: { exit_code: exit.exitCode, signal: exit.signal, instance: inst.id, log_tail: tail },
    });
  }

  private untrack(slot: ModelSlot, inst: Instance, exit: ExitInfo): void {
    inst.state = 'stopped';
    inst.exit = exit;
    if (slot.instance === inst) slot.instance = null;
    if (slot.removed && !slot.instance && !slot.pending && this.ctx.slots.get(slot.name) === slot) this.ctx.slots.delete(slot.name);
    this.ctx.notify(slot);
    this.ctx.changed.fire();
  }

  /**
   * Waits for the requests in flight, at most `drain_timeout` (0 = no bound); a forced stop overtakes
   * it. False when requests were still running: they are cut with `cutReason` as their error.
   */
  private async drain(slot: ModelSlot, inst: Instance, what: string): Promise<boolean> {
    const { ctx } = this;
    if (inst.inflight === 0) return true;
    const ms = ctx.settings().drainTimeoutMs;
    let expired = false;
    const timer = ms > 0 ? ctx.clock.setTimeout(() => ((expired = true), ctx.changed.fire()), ms) : null;
    while (inst.inflight > 0 && !inst.skipIdleWait && !expired) await ctx.changed.wait();
    timer?.cancel();
    if (inst.inflight === 0) return true;
    inst.cutReason ??= `${slot.name} was ${what} after waiting drain_timeout ${formatDuration(ms)} for ${inst.inflight} request(s) in flight`;
    return false;
  }
}

function forced(cause: StopCause): boolean {
  return cause.kind === 'unhealthy' || ((cause.kind === 'manual' || cause.kind === 'evicted') && cause.force);
}
