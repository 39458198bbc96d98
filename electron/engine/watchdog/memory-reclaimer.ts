import { humanBytes } from '../../../shared/units.js';
import type { EngineContext } from '../context.js';
import { usage, usedBytes, type MemoryOracle } from '../gpu/memory-oracle.js';
import { pickReclaimVictim } from '../gpu/memory-plan.js';
import { residentsOf } from '../loader/residents.js';
import type { Unloader } from '../unloader.js';

/** Fresh samples above the threshold needed before acting: one spike is not pressure. */
const CONFIRMATIONS = 2;

/**
 * LocalAI's memory reclaimer, done right (spec §3.8): one model at a time, only on fresh samples, and
 * never deciding again before the memory of the last eviction has actually come back — VRAM release lags
 * process exit, and LocalAI evicted a second model 500 ms later because of it.
 */
export class MemoryReclaimer {
  private releasing = false;
  private above = 0;
  private lastSample = 0;
  private warnedNoVictim = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly unloader: Unloader,
    private readonly oracle: MemoryOracle,
  ) {}

  readonly check = (): void => {
    const s = this.ctx.settings();
    if (!s.memoryReclaimer || this.releasing) return;
    const info = this.oracle.info();
    if (!info || info.at === this.lastSample) return;
    this.lastSample = info.at;
    const u = usage(info);
    if (u <= s.memoryThreshold) {
      this.above = 0;
      this.warnedNoVictim = false;
      return;
    }
    if (++this.above < CONFIRMATIONS) return;
    const victim = pickReclaimVictim(u, s.memoryThreshold, residentsOf(this.ctx, { reserved: false }).map((r) => ({ ...r, vram: this.ctx.vramOf(r.name) })), s.forceEvictionWhenBusy);
    const slot = victim && this.ctx.slots.get(victim.name);
    const inst = slot?.live;
    if (!slot || !inst || inst.id !== victim.instance) {
      if (!this.warnedNoVictim) this.ctx.logger.warn('memory above the threshold but every loaded model is pinned or busy', { usage: u });
      this.warnedNoVictim = true;
      return;
    }
    const used = usedBytes(info) ?? 0;
    const total = info.devices.reduce((n, d) => n + d.total, 0);
    this.releasing = true;
    const detail = `${info.kind === 'gpu' ? 'GPU' : 'RAM'} memory at ${(u * 100).toFixed(1)}% (${humanBytes(used)} of ${humanBytes(total)}) is above memory_threshold ${(s.memoryThreshold * 100).toFixed(0)}%`;
    void this.unloader
      // Resolves once the evicted model's memory shows as free: only then may the reclaimer decide again.
      .stop(slot, inst, { kind: 'evicted', reason: 'memory', force: s.forceEvictionWhenBusy, detail, vramBefore: used })
      .catch((err: unknown) => this.ctx.logger.error('memory reclaim failed', { err: String(err) }))
      .finally(() => {
        this.releasing = false;
        this.above = 0;
      });
  };
}
