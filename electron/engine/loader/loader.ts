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
import type { LoadPlanView } from '../../../shared/model-view.js';
import { refusalHint } from '../../../shared/plan-text.js';
import { memoryFacts, refusalFacts } from './refusal-facts.js';

type Decision =
  | { kind: 'admit'; evict: Eviction[]; forMemory: MemEviction[] }
  | { kind: 'wait'; blocking: string[] }
  | { kind: 'refuse'; code: 'pinned_conflict' | 'no_memory'; blocking: string[]; message: string };
import { Instance } from './instance.js';
import { cooldownLeftS, nextCooldown } from './cooldown.js';
import { openLease, type Lease, type Waiter } from './lease.js';
import { ModelFileInvalid, type Launcher, type StartFailure } from './launcher.js';

/**
 * The load path: one owner loop per model (`request` → `pump` → `serve`), admission, start. No lock is
 * held across a process or network wait: admission is decided and room reserved in one synchronous
 * step, then everything awaited (evictions, the backend's health) happens with the reservation visible
 * to other loads. See docs/ENGINE.md for the state diagram.
 */
/** Starts tried when a backend loses its port to another process between our pick and its bind. */
const PORT_ATTEMPTS = 3;
const PORT_TAKEN = /address already in use|EADDRINUSE|couldn't bind|could not bind|bind\(\) failed/i;

function removedError(slot: ModelSlot): LoadoutError {
  return new LoadoutError('model_not_found', `${slot.name} was removed from the config`);
}

/** An unload while the model was waiting for room or starting: the load's callers are told so. */
function cancelledError(slot: ModelSlot, when: string): LoadoutError {
  return new LoadoutError('load_cancelled', `loading ${slot.name} was cancelled ${when} (it was unloaded)`);
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

  /**
   * A request for a lease on the model's ready instance (`lease: true`), or an explicit load. A ready
   * instance answers at once unless its turn is over (a request then waits for its next start). Else
   * the caller joins the model's waiters, and the model's owner loop grants them all in the same
   * synchronous step in which the instance becomes ready.
   */
  request(slot: ModelSlot, trigger: StartTrigger, lease: true): Promise<Lease>;
  request(slot: ModelSlot, trigger: StartTrigger, lease: false): Promise<Instance>;
  request(slot: ModelSlot, trigger: StartTrigger, lease: boolean): Promise<Lease | Instance> {
    const { ctx } = this;
    if (slot.removed) return Promise.reject(removedError(slot));
    if (this.isShuttingDown()) return Promise.reject(new LoadoutError('shutting_down', 'Loadout is shutting down'));
    const live = slot.live;
    if (lease) {
      const now = this.leaseNow(slot);
      if (now) return Promise.resolve(now);
    } else if (live?.state === 'ready') {
      live.touch(ctx.clock.now());
      return Promise.resolve(live);
    }
    // Explicit loads (API, CLI, tray, dashboard) always try again; requests respect the cooldown
    // unless an instance is already starting.
    if (lease && !live) {
      try {
        this.checkCooldown(slot);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      slot.waiters.push({
        lease,
        since: ctx.clock.now(),
        grant: (inst) => resolve(lease ? openLease(ctx, slot, inst) : inst),
        fail: reject,
      });
      ctx.notify(slot);
      this.pump(slot, trigger);
    });
  }

  /**
   * A lease on the model's ready instance taken now, without a turn of the event loop, or null when
   * the request has to go through `request` (not ready, its turn is over, removed, shutting down).
   */
  leaseNow(slot: ModelSlot): Lease | null {
    if (slot.removed || this.isShuttingDown()) return null;
    const live = slot.live;
    return live?.state === 'ready' && !this.yielding(slot) ? openLease(this.ctx, slot, live) : null;
  }

  /** A model whose turn is over: others' loads have waited `max_turn` for it; it takes no new requests. */
  yielding(slot: ModelSlot): boolean {
    const maxTurn = this.ctx.settings().maxTurnMs;
    if (maxTurn <= 0) return false;
    const now = this.ctx.clock.now();
    for (const other of this.ctx.slots.values()) {
      const c = other.contention;
      if (other !== slot && c && c.blockedBy.includes(slot.name) && now - c.since >= maxTurn) return true;
    }
    return false;
  }

  /** The requests refused by a cooldown get 503 `load_cooldown` with the last failure, and nothing spawns. */
  private checkCooldown(slot: ModelSlot): void {
    const { ctx } = this;
    const c = slot.cooldown;
    const left = cooldownLeftS(c, ctx.clock.now());
    if (!c || left === 0) return;
    const err = slot.lastError;
    const message = `${slot.name} failed to start${c.failures > 1 ? ` ${c.failures} times in a row` : ''}; retry in ${left}s (or load it explicitly)${err ? `: ${err.message}` : ''}`;
    if (!c.announced) {
      c.announced = true;
      ctx.events.append({ type: 'load_refused', model: slot.name, reason: 'cooldown', message, data: { blocking: [], for: slot.name, retry_after_s: left, failures: c.failures } });
    }
    throw new LoadoutError('load_cooldown', message, { retry_after_s: left, exit_code: err?.exit_code ?? null, log_tail: err?.log_tail ?? [] });
  }

  /** Starts the model's owner loop unless it runs already (singleflight). */
  private pump(slot: ModelSlot, trigger: StartTrigger): void {
    if (slot.pending) return;
    slot.cancelLoad = false;
    const pending: Promise<void> = this.serve(slot, trigger)
      .catch((err: unknown) => this.ctx.logger.error('model owner loop failed', { model: slot.name, err: String(err) }))
      .finally(() => {
        if (slot.pending === pending) slot.pending = null;
        // A model removed from the config while this load ran goes once nothing of it is left.
        if (slot.removed && !slot.instance && this.ctx.slots.get(slot.name) === slot) this.ctx.slots.delete(slot.name);
        this.ctx.notify(slot);
        this.ctx.changed.fire();
        if (slot.waiters.length > 0 && !slot.removed) this.pump(slot, trigger);
      });
    slot.pending = pending;
  }

  /**
   * The owner loop: runs while anyone waits for the model. It is the only code that starts the model
   * and hands out its instance to waiters; stops go through the unloader, which it waits for.
   */
  private async serve(slot: ModelSlot, trigger: StartTrigger): Promise<void> {
    const { ctx } = this;
    while (slot.waiters.length > 0) {
      const inst = slot.instance;
      if (inst?.state === 'ready') {
        if (this.grant(slot, inst, !this.yielding(slot))) continue;
        await ctx.changed.wait(); // a yielding model: its waiters want the next start
        continue;
      }
      if (inst?.stopping) {
        await inst.stopping.catch(() => undefined); // a stop in progress finishes first
        continue;
      }
      if (inst?.state === 'starting') {
        await ctx.changed.wait();
        continue;
      }
      try {
        if (this.isShuttingDown()) throw new LoadoutError('shutting_down', 'Loadout is shutting down');
        slot.loadSince = ctx.clock.now();
        await this.admit(slot);
        this.checkStillWanted(slot); // shutdown, removal or an unload may have come while room was made
        await this.start(slot, trigger);
      } catch (err) {
        for (const w of slot.waiters.splice(0)) w.fail(err);
        ctx.notify(slot);
      } finally {
        slot.loadSince = null;
      }
    }
  }

  /** Hands `inst` to the waiters: loads always, requests unless the model's turn is over. True if any. */
  private grant(slot: ModelSlot, inst: Instance, requests: boolean): boolean {
    const keep: Waiter[] = [];
    let granted = 0;
    for (const w of slot.waiters.splice(0)) {
      if (w.lease && !requests) keep.push(w);
      else {
        w.grant(inst);
        granted++;
      }
    }
    slot.waiters = keep;
    if (granted > 0) this.ctx.notify(slot);
    return granted > 0;
  }

  /** Applies CONTRACT §4 admission; returns with room reserved for `slot` (slot.reserved = true). */
  private async admit(slot: ModelSlot): Promise<void> {
    try {
      await this.admitOnce(slot);
    } finally {
      if (slot.contention) {
        slot.contention = null;
        this.ctx.changed.fire(); // a model that was yielding to this load may take requests again
      }
    }
  }

  private async admitOnce(slot: ModelSlot): Promise<void> {
    const { ctx } = this;
    const s = ctx.settings();
    const budget = s.evictionRetries * s.evictionRetryIntervalMs;
    let since = ctx.clock.now();
    for (;;) {
      this.checkStillWanted(slot);
      const d = this.decide(slot);
      if (d.kind === 'refuse') this.refuse(slot, d.code, d.blocking, d.message);
      if (d.kind === 'admit') {
        await this.evictAndReserve(slot, d.evict, d.forMemory);
        return;
      }
      const blocking = d.blocking;
      // Blockers that are starting or stopping bound themselves (health_timeout, stop_timeout): the
      // wait for busy models, and their turn, count only from when one of them is ready.
      const ready = blocking.some((n) => ctx.slots.get(n)?.live?.state === 'ready');
      if (!ready) since = ctx.clock.now();
      const news = slot.contention?.blockedBy.join() !== blocking.join();
      slot.contention = { since, blockedBy: blocking };
      if (news) ctx.notify(slot); // the view says what the load waits for
      // Ready models blocking this load end their turn after max_turn; the retry budget counts from then.
      const turns = s.maxTurnMs > 0 && ready;
      const deadline = since + budget + (turns ? s.maxTurnMs : 0);
      const left = deadline - ctx.clock.now();
      if (left <= 0) {
        const waited = (deadline - since) / 1000;
        this.refuse(slot, 'busy', blocking, `busy models hold what ${slot.name} needs after waiting ${waited}s: ${blocking.join(', ')}`);
      }
      // Wake as soon as anything finishes, or at the retry interval at the latest.
      await Promise.race([ctx.changed.wait(), sleep(ctx.clock, Math.min(s.evictionRetryIntervalMs, left))]);
    }
  }

  /** CONTRACT §4 admission, then the memory fit: the one decision behind loads and the preflight plan. */
  decide(slot: ModelSlot): Decision {
    const s = this.ctx.settings();
    const plan = planAdmission(slot.config, residentsOf(this.ctx, { reserved: true }), { maxActive: s.maxActive, force: s.forceEvictionWhenBusy });
    if (plan.kind === 'refuse') return { kind: 'refuse', code: 'pinned_conflict', blocking: plan.blocking, message: `pinned models hold what ${slot.name} needs: ${plan.blocking.join(', ')}` };
    if (plan.kind === 'wait') return { kind: 'wait', blocking: plan.blocking };
    const fit = this.planMemory(slot, plan.evict);
    if (fit.kind === 'refuse') return { kind: 'refuse', code: 'no_memory', blocking: fit.blocking, message: fit.message };
    if (fit.kind === 'wait') return { kind: 'wait', blocking: fit.blocking };
    return { kind: 'admit', evict: plan.evict, forMemory: fit.kind === 'evict' ? fit.evict : [] };
  }

  /** What a load of `slot` would do now, without doing any of it. */
  plan(slot: ModelSlot): LoadPlanView {
    const { ctx } = this;
    const s = ctx.settings();
    const now = ctx.clock.now();
    const base: Omit<LoadPlanView, 'action' | 'message'> = { model: slot.name, evict: [], blocked_by: [], waits: false, code: null, cooldown_until: slot.cooldown && slot.cooldown.until > now ? new Date(slot.cooldown.until).toISOString() : null, hint: null, memory: memoryFacts(ctx, slot) };
    const live = slot.live;
    if (live?.state === 'ready') return { ...base, action: 'ready', message: `${slot.name} is loaded` };
    if (live || slot.pending) return { ...base, action: 'load', message: `${slot.name} is already being loaded` };
    const d = this.decide(slot);
    if (d.kind === 'refuse') return { ...base, action: 'refuse', blocked_by: d.blocking, code: d.code, message: d.message, hint: refusalHint(refusalFacts(ctx, slot, d.code, d.blocking)) };
    if (d.kind === 'wait') {
      return { ...base, action: 'load', blocked_by: d.blocking, waits: true, message: `${slot.name} would wait for ${d.blocking.join(', ')} (busy, starting or stopping)` };
    }
    const evict = [
      ...d.evict.map((e) => ({ name: e.name, reason: e.reason, group: e.group, detail: this.evictionDetail(slot, e, s.maxActive) })),
      ...d.forMemory.map((e) => ({ name: e.name, reason: 'memory' as const, group: null, detail: `frees ${humanBytes(e.frees)} so that ${slot.name} fits in GPU memory` })),
    ];
    const message = evict.length ? `${slot.name} would start after unloading ${evict.map((e) => `${e.name} (${e.detail})`).join(', ')}` : `${slot.name} would start`;
    return { ...base, action: 'load', evict, message };
  }

  private evictionDetail(slot: ModelSlot, e: Eviction, maxActive: number): string {
    return e.reason === 'group' ? `shares group "${e.group}" with ${slot.name}` : `least recently used; max_active is ${maxActive}`;
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
      const detail = this.evictionDetail(slot, e, s.maxActive);
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
      .map((r) => ({ ...r, vram: ctx.vramOf(r.name) ?? oracle.needOf(ctx.slots.get(r.name)!.config) }));
    // The ledger: what starting models will still allocate (and ready ones not measured yet), and what
    // stopping ones still hold.
    let reserved = 0;
    for (const r of residents) {
      const measured = ctx.vramOf(r.name);
      if (r.state === 'ready' && measured !== null) continue;
      const need = oracle.needOf(ctx.slots.get(r.name)!.config) ?? 0;
      reserved += Math.max(0, need - (measured ?? 0));
    }
    const stopping: { name: string; bytes: number }[] = [];
    for (const other of ctx.slots.values()) {
      const bytes = other.instance?.state === 'stopping' && !leaving.has(other.name) ? ctx.vramOf(other.name) : null;
      if (bytes) stopping.push({ name: other.name, bytes });
    }
    const fit = planFit({ need, free, freeing, residents, force: s.forceEvictionWhenBusy, reserved, stopping });
    if (fit.kind !== 'refuse') return fit;
    const held = fit.blocking.map((n) => `${n} (${humanBytes(ctx.vramOf(n))})`);
    const ours = residents.reduce((n, r) => n + (r.vram ?? 0), 0);
    const used = usedBytes(info) ?? 0;
    const other = Math.max(0, used - ours);
    const message = `${slot.name} needs ${humanBytes(need)} but ${humanBytes(Math.max(0, free + freeing - reserved))} is free (after vram_headroom ${humanBytes(s.vramHeadroomBytes)}${reserved ? ` and ${humanBytes(reserved)} reserved by starting models` : ''}); held by ${[...held, `other processes (${humanBytes(other)})`].join(', ')}`;
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
    throw cancelledError(slot, 'before it started');
  }

  private refuse(slot: ModelSlot, code: 'pinned_conflict' | 'busy' | 'no_memory', blocking: string[], message: string): never {
    // The message keeps its facts; the hint names the rule and the way out (issue 10).
    const hint = refusalHint(refusalFacts(this.ctx, slot, code, blocking));
    this.ctx.events.append({ type: 'load_refused', model: slot.name, reason: code, message, data: { blocking, for: slot.name, hint } });
    const retry = code === 'busy' ? { retry_after_s: Math.max(1, Math.ceil(this.ctx.settings().evictionRetryIntervalMs / 1000)) } : {};
    throw new LoadoutError(code, message, { blocking, hint, ...retry });
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
      const code = err instanceof ModelFileInvalid ? 'model_file_invalid' : 'spawn_failed';
      return { ok: false, instance: id, failure: { code, message: err instanceof Error ? err.message : String(err), exitCode: null, signal: null, logTail: [] } };
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
      if (inst.cancelled && !this.isShuttingDown()) throw cancelledError(slot, 'while it started');
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
    ctx.loadTimes?.record(config, result.loadMs);
    inst.state = 'ready';
    inst.loadedAt = now;
    inst.touch(now);
    // Lease on ready: the waiters this start was for are counted in flight in this same step, so no
    // other load can find the new instance idle and evict it before they are served.
    this.grant(slot, inst, true);
    slot.lastError = null;
    slot.cooldown = null;
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
    const s = ctx.settings();
    slot.cooldown = nextCooldown(slot.cooldown, ctx.clock.now(), s.loadFailureCooldownMs, s.loadFailureCooldownMaxMs);
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
    throw new LoadoutError(f.code === 'model_file_invalid' ? 'model_file_invalid' : 'load_failed', `${slot.name} failed to start: ${f.message}${f.exitCode !== null ? ` (exit code ${f.exitCode})` : ''}${lastLines ? `\n${lastLines}` : ''}`, {
      exit_code: f.exitCode,
      log_tail: tail,
    });
  }

}
