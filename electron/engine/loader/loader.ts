import { LoadoutError } from '../../../shared/errors.js';
import type { StartTrigger } from '../../../shared/events.js';
import { sleep } from '../platform/clock.js';
import type { EngineContext } from '../context.js';
import type { ModelSlot } from '../model-slot.js';
import type { Unloader } from '../unloader.js';
import { planAdmission, type Resident } from './admission.js';
import { Instance } from './instance.js';
import type { Launcher, StartFailure } from './launcher.js';

/**
 * `ensureReady(slot)`: singleflight per model, admission, start. No lock is held across a process or
 * network wait: admission is decided and room reserved in one synchronous step, then everything
 * awaited (evictions, the backend's health) happens with the reservation visible to other loads.
 */
export class Loader {
  private instanceSeq = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly launcher: Launcher,
    private readonly unloader: Unloader,
    private readonly isShuttingDown: () => boolean,
  ) {}

  ensureReady(slot: ModelSlot, trigger: StartTrigger): Promise<Instance> {
    const live = slot.live;
    if (live?.state === 'ready') {
      live.touch(this.ctx.clock.now());
      return Promise.resolve(live);
    }
    if (slot.pending) return slot.pending;
    const pending = this.load(slot, trigger).finally(() => {
      if (slot.pending === pending) slot.pending = null;
    });
    slot.pending = pending;
    return pending;
  }

  private async load(slot: ModelSlot, trigger: StartTrigger): Promise<Instance> {
    const live = slot.live;
    if (live) return this.awaitReady(slot, live); // a start that began outside ensureReady
    if (slot.instance?.stopping) await slot.instance.stopping; // a stop in progress finishes first
    if (this.isShuttingDown()) throw new LoadoutError('shutting_down', 'Loadout is shutting down');
    await this.admit(slot);
    return this.start(slot, trigger);
  }

  /** Applies CONTRACT §4 admission; returns with room reserved for `slot` (slot.reserved = true). */
  private async admit(slot: ModelSlot): Promise<void> {
    const { ctx } = this;
    const s = ctx.settings();
    const deadline = ctx.clock.now() + s.evictionRetries * s.evictionRetryIntervalMs;
    for (;;) {
      const plan = planAdmission(slot.config, this.residents(), { maxActive: s.maxActive, force: s.forceEvictionWhenBusy });
      if (plan.kind === 'refuse') {
        this.refuse(slot, 'pinned_conflict', plan.blocking, `pinned models hold what ${slot.name} needs: ${plan.blocking.join(', ')}`);
      }
      if (plan.kind === 'admit') {
        slot.reserved = true;
        ctx.notify(slot);
        const stops = plan.evict.map((e) => {
          const victim = ctx.slots.get(e.name)!;
          const detail = e.reason === 'group' ? `shares group "${e.group}" with ${slot.name}` : `least recently used; max_active is ${s.maxActive}`;
          return this.unloader.stop(victim, victim.instance!, { kind: 'evicted', reason: e.reason, for: slot.name, group: e.group, force: s.forceEvictionWhenBusy, detail });
        });
        try {
          await Promise.all(stops);
        } catch (err) {
          slot.reserved = false;
          ctx.notify(slot);
          throw err;
        }
        return;
      }
      const left = deadline - ctx.clock.now();
      if (left <= 0) {
        const waited = (s.evictionRetries * s.evictionRetryIntervalMs) / 1000;
        this.refuse(slot, 'busy', plan.blocking, `busy models hold what ${slot.name} needs after waiting ${waited}s: ${plan.blocking.join(', ')}`);
      }
      // Wake as soon as anything finishes, or at the retry interval at the latest.
      await Promise.race([ctx.changed.wait(), sleep(ctx.clock, Math.min(s.evictionRetryIntervalMs, left))]);
    }
  }

  private refuse(slot: ModelSlot, code: 'pinned_conflict' | 'busy', blocking: string[], message: string): never {
    this.ctx.events.append({ type: 'load_refused', model: slot.name, reason: code, message, data: { blocking, for: slot.name } });
    const retry = code === 'busy' ? { retry_after_s: Math.max(1, Math.ceil(this.ctx.settings().evictionRetryIntervalMs / 1000)) } : {};
    throw new LoadoutError(code, message, { blocking, ...retry });
  }

  private residents(): Resident[] {
    const out: Resident[] = [];
    for (const slot of this.ctx.slots.values()) {
      const inst = slot.live;
      if (inst) {
        out.push({ name: slot.name, instance: inst.id, pinned: slot.config.pinned, groups: slot.config.groups, inflight: inst.inflight, lastUsedAt: inst.lastUsedAt, state: inst.state === 'ready' ? 'ready' : 'starting' });
      } else if (slot.reserved) {
        out.push({ name: slot.name, instance: -1, pinned: slot.config.pinned, groups: slot.config.groups, inflight: 0, lastUsedAt: this.ctx.clock.now(), state: 'starting' });
      }
    }
    return out;
  }

  private async start(slot: ModelSlot, trigger: StartTrigger): Promise<Instance> {
    const { ctx } = this;
    const id = ++this.instanceSeq;
    const config = slot.config;
    ctx.events.append({ type: 'model_starting', model: slot.name, reason: null, message: `starting ${slot.name}`, data: { trigger, instance: id } });
    let inst: Instance;
    try {
      const backend = await this.launcher.create(config, id, ctx.settings());
      inst = new Instance(slot.name, id, backend, ctx.clock.now());
    } catch (err) {
      slot.reserved = false;
      return this.fail(slot, id, { code: 'spawn_failed', message: err instanceof Error ? err.message : String(err), exitCode: null, signal: null, logTail: [] });
    }
    slot.instance = inst;
    slot.reserved = false;
    ctx.notify(slot);
    inst.backend.onExit((exit) => this.unloader.exited(slot, inst, exit));
    const result = await inst.backend.start();
    if (inst.stopping) {
      // Unloaded (or shut down) while starting: the unloader already reported the stop.
      await inst.stopping;
      throw new LoadoutError('load_failed', `${slot.name} was stopped while starting`);
    }
    if (!result.ok) {
      inst.state = 'stopped';
      if (slot.instance === inst) slot.instance = null;
      await inst.backend.stop({ force: true });
      ctx.changed.fire();
      return this.fail(slot, id, result.failure);
    }
    const now = ctx.clock.now();
    inst.state = 'ready';
    inst.loadedAt = now;
    inst.touch(now);
    slot.lastError = null;
    ctx.events.append({
      type: 'model_ready',
      model: slot.name,
      reason: null,
      message: `${slot.name} ready in ${result.loadMs} ms on port ${inst.port}`,
      data: { pid: inst.pid ?? -1, port: inst.port, load_ms: result.loadMs, instance: id },
    });
    ctx.notify(slot);
    ctx.changed.fire();
    return inst;
  }

  private fail(slot: ModelSlot, instance: number, f: StartFailure): never {
    const { ctx } = this;
    const tail = f.logTail.length ? f.logTail : ctx.logTail(slot.name, instance, 20);
    slot.lastError = { code: f.code, message: f.message, exit_code: f.exitCode, log_tail: tail, at: new Date(ctx.clock.now()).toISOString() };
    ctx.notify(slot);
    ctx.events.append({
      type: 'model_failed',
      model: slot.name,
      reason: f.code,
      message: `${slot.name} failed to start: ${f.message}`,
      data: { exit_code: f.exitCode, signal: f.signal, log_tail: tail, instance, code: f.code },
    });
    const lastLines = tail.slice(-5).join('\n');
    throw new LoadoutError('load_failed', `${slot.name} failed to start: ${f.message}${f.exitCode !== null ? ` (exit code ${f.exitCode})` : ''}${lastLines ? `\n${lastLines}` : ''}`, {
      exit_code: f.exitCode,
      log_tail: tail,
    });
  }

  private async awaitReady(slot: ModelSlot, inst: Instance): Promise<Instance> {
    while (inst.state === 'starting') await this.ctx.changed.wait();
    if (inst.state !== 'ready') throw new LoadoutError('load_failed', slot.lastError?.message ?? `${slot.name} did not become ready`);
    return inst;
  }
}
