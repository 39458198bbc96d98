import { humanBytes } from '../../../shared/units.js';
import type { EngineContext } from '../context.js';
import { usedBytes, type MemoryInfo, type MemoryOracle } from '../gpu/memory-oracle.js';
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
    // Per device: one full GPU among idle ones is pressure, even when the sum over all is not.
    const device = hottest(info);
    const u = device ? device.used / device.total : 0;
    if (!device || u <= s.memoryThreshold) {
      this.above = 0;
      this.warnedNoVictim = false;
      return;
    }
    if (++this.above < CONFIRMATIONS) return;
    const onDevice = residentsOf(this.ctx, { reserved: false }).filter((r) => {
      const devices = this.oracle.devicesOf(this.ctx.slots.get(r.name)!.config);
      return devices === null || devices.includes(device.index);
    });
    const victim = pickReclaimVictim(u, s.memoryThreshold, onDevice.map((r) => ({ ...r, vram: this.ctx.vramOf(r.name) })), s.forceEvictionWhenBusy);
    const slot = victim && this.ctx.slots.get(victim.name);
    const inst = slot?.live;
    if (!slot || !inst || inst.id !== victim.instance) {
      if (!this.warnedNoVictim) this.ctx.logger.warn('memory above the threshold but every loaded model is pinned or busy', { usage: u });
      this.warnedNoVictim = true;
      return;
    }
    const used = usedBytes(info) ?? 0;
    this.releasing = true;
    const what = info.kind === 'gpu' ? (info.devices.length > 1 ? `GPU ${device.index}` : 'GPU') : 'RAM';
    const detail = `${what} memory at ${(u * 100).toFixed(1)}% (${humanBytes(device.used)} of ${humanBytes(device.total)}) is above memory_threshold ${(s.memoryThreshold * 100).toFixed(0)}%`;
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

/** The device with the highest use (of those with a known size), or null. */
function hottest(info: MemoryInfo): MemoryInfo['devices'][number] | null {
  let best: MemoryInfo['devices'][number] | null = null;
  for (const d of info.devices) if (d.total > 0 && (!best || d.used / d.total > best.used / best.total)) best = d;
  return best;
}
