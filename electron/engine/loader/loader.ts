import { LoadoutError } from '../../../shared/errors.js';
import type { StartTrigger } from '../../../shared/events.js';
import { sleep } from '../platform/clock.js';
import type { EngineContext } from '../context.js';
import type { ModelSlot } from '../model-slot.js';
import type { Unloader } from '../unloader.js';
import { humanBytes } from '../../../shared/units.js';
import { freeBytes, usedBytes } from '../gpu/memory-oracle.js';
import { planFit, type MemEviction, type MemResident } from '../gpu/memory-plan.js';
import type { StopCause } from '../unloader.js';
import { planAdmission, type Eviction } from './admission.js';
import { residentsOf } from './residents.js';
import { Instance } from './instance.js';
import type { Launcher, StartFailure } from './launcher.js';

/**
 * `ensureReady(slot)`: singleflight per model, admission, start. No lock is held across a process or
 * network wait: admission is decided and room reserved in one synchronous step, then everything
 * awaited (evictions, the backend's health) happens with the reservation visible to other loads.
 */
/** Starts tried when a backend loses its port to another process between our pick and its bind. */
const PORT_ATTEMPTS = 3;
const PORT_TAKEN = /address already in use|EADDRINUSE|couldn't bind|could not bind|bind\(\) failed/i;

function removedError(slot: ModelSlot): LoadoutError {
  return new LoadoutError('model_not_found', `${slot.name} was removed from the config`);
}

function lostPortRace(f: StartFailure): boolean {
  return f.code === 'exited' && (PORT_TAKEN.test(f.message) || f.logTail.some((l) => PORT_TAKEN.test(l)));
}

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
    if (slot.removed) return Promise.reject(removedError(slot));
    slot.cancelLoad = false;
    const pending = this.load(slot, trigger).finally(() => {
      if (slot.pending === pending) slot.pending = null;
      // A model removed from the config while this load ran goes once nothing of it is left.
      if (slot.removed && !slot.instance && !slot.pending && this.ctx.slots.get(slot.name) === slot) {
        this.ctx.slots.delete(slot.name);
        this.ctx.changed.fire();
      }
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
    this.checkStillWanted(slot); // shutdown, removal or an unload may have come while room was made
    return this.start(slot, trigger);
  }

  /** Applies CONTRACT §4 admission; returns with room reserved for `slot` (slot.reserved = true). */
  private async admit(slot: ModelSlot): Promise<void> {
    const { ctx } = this;
    const s = ctx.settings();
    const deadline = ctx.clock.now() + s.evictionRetries * s.evictionRetryIntervalMs;
    for (;;) {
      this.checkStillWanted(slot);
      const plan = planAdmission(slot.config, residentsOf(this.ctx, { reserved: true }), { maxActive: s.maxActive, force: s.forceEvictionWhenBusy });
      if (plan.kind === 'refuse') {
        this.refuse(slot, 'pinned_conflict', plan.blocking, `pinned models hold what ${slot.name} needs: ${plan.blocking.join(', ')}`);
      }
      let blocking = plan.kind === 'wait' ? plan.blocking : [];
      if (plan.kind === 'admit') {
        const fit = this.planMemory(slot, plan.evict);
        if (fit.kind === 'refuse') this.refuse(slot, 'no_memory', fit.blocking, fit.message);
        if (fit.kind === 'wait') blocking = fit.blocking;
        else {
          await this.evictAndReserve(slot, plan.evict, fit.kind === 'evict' ? fit.evict : []);
          return;
        }
      }
      const left = deadline - ctx.clock.now();
      if (left <= 0) {
        const waited = (s.evictionRetries * s.evictionRetryIntervalMs) / 1000;
        this.refuse(slot, 'busy', blocking, `busy models hold what ${slot.name} needs after waiting ${waited}s: ${blocking.join(', ')}`);
      }
      // Wake as soon as anything finishes, or at the retry interval at the latest.
      await Promise.race([ctx.changed.wait(), sleep(ctx.clock, Math.min(s.evictionRetryIntervalMs, left))]);
    }
  }

  /** Reserves room for `slot`, then stops what must go; with GPU data, waits until freed memory shows. */
  private async evictAndReserve(slot: ModelSlot, evict: Eviction[], forMemory: MemEviction[]): Promise<void> {
    const { ctx } = this;
    const s = ctx.settings();
    slot.reserved = true;
    ctx.notify(slot);
    const usedBefore = usedBytes(ctx.memory()?.info() ?? null);
    const victims: { slot: ModelSlot; inst: Instance; cause: StopCause }[] = [];
    for (const e of evict) {
      const victim = ctx.slots.get(e.name)!;
      const detail = e.reason === 'group' ? `shares group "${e.group}" with ${slot.name}` : `least recently used; max_active is ${s.maxActive}`;
      victims.push({ slot: victim, inst: victim.instance!, cause: { kind: 'evicted', reason: e.reason, for: slot.name, group: e.group, force: s.forceEvictionWhenBusy, detail, vramBefore: usedBefore } });
    }
    for (const e of forMemory) {
      const victim = ctx.slots.get(e.name)!;
      const detail = `frees ${humanBytes(e.frees)} so that ${slot.name} fits in GPU memory`;
      victims.push({ slot: victim, inst: victim.instance!, cause: { kind: 'evicted', reason: 'memory', for: slot.name, force: s.forceEvictionWhenBusy, detail, vramBefore: usedBefore } });
    }
    try {
      // Each eviction resolves once its memory shows as free (see Unloader): start only then.
      await Promise.all(victims.map((v) => this.unloader.stop(v.slot, v.inst, v.cause)));
    } catch (err) {
      slot.reserved = false;
      ctx.notify(slot);
      throw err;
    }
  }

  /** CONTRACT §4 rule 4: with GPU data, a model that would not fit evicts idle models first, else no_memory. */
  private planMemory(slot: ModelSlot, evict: Eviction[]): { kind: 'fits' } | { kind: 'evict'; evict: MemEviction[] } | { kind: 'wait'; blocking: string[] } | { kind: 'refuse'; blocking: string[]; message: string } {
    const { ctx } = this;
    const oracle = ctx.memory();
    const info = oracle?.info();
    if (!oracle || !info || info.kind !== 'gpu') return { kind: 'fits' };
    const need = oracle.needOf(slot.config);
    if (!need) return { kind: 'fits' };
    const s = ctx.settings();
    const free = freeBytes(info, oracle.devicesOf(slot.config), s.vramHeadroomBytes);
    const leaving = new Set(evict.map((e) => e.name));
    const freeing = evict.reduce((n, e) => n + (ctx.vramOf(e.name) ?? 0), 0);
    const residents: MemResident[] = residentsOf(this.ctx, { reserved: true })
      .filter((r) => !leaving.has(r.name) && r.name !== slot.name)
      .map((r) => ({ ...r, vram: ctx.vramOf(r.name) ?? (r.state === 'starting' ? oracle.needOf(ctx.slots.get(r.name)!.config) : null) }));
    const fit = planFit({ need, free, freeing, residents, force: s.forceEvictionWhenBusy });
    if (fit.kind !== 'refuse') return fit;
    const held = fit.blocking.map((n) => `${n} (${humanBytes(ctx.vramOf(n))})`);
    const ours = residents.reduce((n, r) => n + (r.vram ?? 0), 0);
    const used = usedBytes(info) ?? 0;
    const other = Math.max(0, used - ours);
    const message = `${slot.name} needs ${humanBytes(need)} but ${humanBytes(Math.max(0, free + freeing))} is free (after vram_headroom ${humanBytes(s.vramHeadroomBytes)}); held by ${[...held, `other processes (${humanBytes(other)})`].join(', ')}`;
    return { kind: 'refuse', blocking: fit.blocking, message };
  }

  private notWanted(slot: ModelSlot): boolean {
    return this.isShuttingDown() || slot.removed || slot.cancelLoad;
  }

  /** Throws, releasing the reservation, when the load should not go on. */
  private checkStillWanted(slot: ModelSlot): void {
    if (!this.notWanted(slot)) return;
    slot.reserved = false;
    this.ctx.notify(slot);
    if (this.isShuttingDown()) throw new LoadoutError('shutting_down', 'Loadout is shutting down');
    if (slot.removed) throw removedError(slot);
    throw new LoadoutError('load_failed', `${slot.name} was unloaded before it started`);
  }

  private refuse(slot: ModelSlot, code: 'pinned_conflict' | 'busy' | 'no_memory', blocking: string[], message: string): never {
    this.ctx.events.append({ type: 'load_refused', model: slot.name, reason: code, message, data: { blocking, for: slot.name } });
    const retry = code === 'busy' ? { retry_after_s: Math.max(1, Math.ceil(this.ctx.settings().evictionRetryIntervalMs / 1000)) } : {};
    throw new LoadoutError(code, message, { blocking, ...retry });
  }

  private async start(slot: ModelSlot, trigger: StartTrigger): Promise<Instance> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.startOnce(slot, trigger);
      if (r.ok) return r.inst;
      // The free port we picked was taken before the backend bound it (nothing can reserve a port
      // for another process): a new start on a new port, not a failure.
      if (attempt < PORT_ATTEMPTS && lostPortRace(r.failure) && !this.notWanted(slot)) {
        this.ctx.logger.warn('backend lost its port to another process; starting again on a new port', { model: slot.name, instance: r.instance });
        continue;
      }
      return this.fail(slot, r.instance, r.failure);
    }
  }

  private async startOnce(slot: ModelSlot, trigger: StartTrigger): Promise<{ ok: true; inst: Instance } | { ok: false; instance: number; failure: StartFailure }> {
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
      return { ok: false, instance: id, failure: { code: 'spawn_failed', message: err instanceof Error ? err.message : String(err), exitCode: null, signal: null, logTail: [] } };
    }
    if (this.notWanted(slot)) {
      // Shut down, removed or unloaded during the port pick: the process was spawned but is not ours to keep.
      await inst.backend.stop({ force: true });
      this.checkStillWanted(slot);
    }
    slot.instance = inst;
    slot.reserved = false;
    ctx.notify(slot);
    ctx.changed.fire(); // an unload waiting for a queued load can now stop this instance
    inst.backend.onExit((exit) => this.unloader.exited(slot, inst, exit));
    const result = await inst.backend.start();
    if (inst.stopping) {
      // Unloaded, removed or shut down while starting: the unloader already reported the stop.
      await inst.stopping;
      if (slot.removed) throw removedError(slot);
      throw new LoadoutError(this.isShuttingDown() ? 'shutting_down' : 'load_failed', `${slot.name} was stopped while starting`);
    }
    if (!result.ok) {
      inst.state = 'stopped';
      if (slot.instance === inst) slot.instance = null;
      slot.reserved = true; // still counts as starting until the caller retries or gives up
      await inst.backend.stop({ force: true });
      ctx.changed.fire();
      return { ok: false, instance: id, failure: result.failure };
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
    return { ok: true, inst };
  }


  private fail(slot: ModelSlot, instance: number, f: StartFailure): never {
    const { ctx } = this;
    slot.reserved = false;
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
