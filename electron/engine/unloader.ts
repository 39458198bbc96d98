import type { EvictionReason } from '../../shared/events.js';
import { humanBytes } from '../../shared/units.js';
import { usedBytes } from './gpu/memory-oracle.js';
import type { EngineContext } from './context.js';
import type { Instance } from './loader/instance.js';
import type { ExitInfo } from './loader/launcher.js';
import type { ModelSlot } from './model-slot.js';

/** How long an eviction waits for its memory to show as free before reporting anyway. */
const RELEASE_TIMEOUT_MS = 15_000;

export type StopCause =
  | { kind: 'manual'; force: boolean; note?: string }
  | { kind: 'evicted'; reason: EvictionReason; force: boolean; for?: string | null; group?: string | null; detail: string; vramBefore?: number | null }
  | { kind: 'shutdown' };

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
      const force = cause.kind !== 'shutdown' && cause.force;
      if (cause.kind === 'shutdown' || force) {
        inst.skipIdleWait = true;
        this.ctx.changed.fire();
        if (force) void inst.backend.stop({ force: true });
      }
      return inst.stopping;
    }
    const { ctx } = this;
    const before = ctx.vramOf(slot.name);
    inst.state = 'stopping';
    ctx.notify(slot);
    if (cause.kind === 'evicted') {
      ctx.events.append({
        type: 'model_evicted',
        model: slot.name,
        reason: cause.reason,
        message: `${slot.name} evicted: ${cause.detail}`,
        data: { for: cause.for ?? null, group: cause.group ?? null, vram_bytes: before, vram_before: cause.vramBefore ?? null, instance: inst.id },
      });
    }
    const force = cause.kind === 'shutdown' ? false : cause.force;
    inst.stopping = (async () => {
      if (cause.kind === 'manual' && !force) await this.waitIdle(inst);
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
      ctx.events.append({
        type: 'model_stopped',
        model: slot.name,
        reason,
        message: `${slot.name} stopped (${cause.kind === 'evicted' ? `evicted: ${cause.reason}` : cause.kind === 'manual' && cause.note ? cause.note : reason})${freed}`,
        data: { exit_code: exit.exitCode, signal: exit.signal, instance: inst.id, ...(cause.kind === 'evicted' ? { vram_before: cause.vramBefore ?? null, vram_after: after } : {}) },
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

  private async waitIdle(inst: Instance): Promise<void> {
    while (inst.inflight > 0 && !inst.skipIdleWait) await this.ctx.changed.wait();
  }
}
