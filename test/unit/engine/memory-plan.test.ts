import { describe, expect, it } from 'vitest';
import { freeBytes, visibleDevices } from '../../../electron/engine/gpu/memory-oracle.js';
import { pickReclaimVictim, planFit, type MemResident } from '../../../electron/engine/gpu/memory-plan.js';

const GiB = 1024 ** 3;
let n = 0;
const r = (name: string, vram: number | null, o: Partial<MemResident> = {}): MemResident => ({ name, instance: ++n, pinned: false, inflight: 0, lastUsedAt: n, state: 'ready', vram, ...o });

describe('fit before load', () => {
  it('fits without evicting when free memory suffices', () => {
    expect(planFit({ need: 4 * GiB, free: 5 * GiB, freeing: 0, residents: [r('a', 8 * GiB)], force: false })).toEqual({ kind: 'fits' });
  });

  it('counts memory that admission is already freeing (groups, LRU)', () => {
    expect(planFit({ need: 6 * GiB, free: 2 * GiB, freeing: 4 * GiB, residents: [], force: false })).toEqual({ kind: 'fits' });
  });

  it('evicts least recently used idle unpinned models until the model fits', () => {
    const plan = planFit({ need: 10 * GiB, free: 2 * GiB, freeing: 0, residents: [r('old', 5 * GiB, { lastUsedAt: 1 }), r('mid', 4 * GiB, { lastUsedAt: 2 }), r('new', 6 * GiB, { lastUsedAt: 3 })], force: false });
    expect(plan.kind === 'evict' && plan.evict.map((e) => e.name)).toEqual(['old', 'mid']);
  });

  it('never evicts pinned models and refuses naming what holds the memory, largest first', () => {
    const plan = planFit({ need: 10 * GiB, free: 1 * GiB, freeing: 0, residents: [r('p', 6 * GiB, { pinned: true }), r('q', 3 * GiB)], force: false });
    expect(plan).toEqual({ kind: 'refuse', blocking: ['p', 'q'], shortBy: 6 * GiB });
  });

  it('waits for busy models when they alone could make room', () => {
    expect(planFit({ need: 8 * GiB, free: 1 * GiB, freeing: 0, residents: [r('busy', 8 * GiB, { inflight: 1 })], force: false })).toEqual({ kind: 'wait', blocking: ['busy'] });
  });

  it('evicts busy models when force_eviction_when_busy is set', () => {
    const plan = planFit({ need: 8 * GiB, free: 1 * GiB, freeing: 0, residents: [r('busy', 8 * GiB, { inflight: 1 })], force: true });
    expect(plan.kind).toBe('evict');
  });
});

describe('memory reclaimer choice', () => {
  it('does nothing at or below the threshold', () => {
    expect(pickReclaimVictim(0.95, 0.95, [r('a', GiB)], false)).toBeNull();
  });

  it('picks the least recently used idle unpinned model above the threshold', () => {
    const victim = pickReclaimVictim(0.97, 0.95, [r('pinned', GiB, { pinned: true, lastUsedAt: 0 }), r('busy', GiB, { inflight: 2, lastUsedAt: 1 }), r('idle', GiB, { lastUsedAt: 5 })], false);
    expect(victim?.name).toBe('idle');
  });

  it('treats a zero threshold as disabled (LocalAI reclaimer silently did nothing; we refuse to guess)', () => {
    expect(pickReclaimVictim(1, 0, [r('a', GiB)], false)).toBeNull();
  });
});

describe('memory arithmetic', () => {
  const info = { at: 0, kind: 'gpu' as const, devices: [{ index: 0, total: 24 * GiB, used: 20 * GiB }, { index: 1, total: 24 * GiB, used: 4 * GiB }] };

  it('reads CUDA/HIP visibility from the model env', () => {
    expect(visibleDevices({ CUDA_VISIBLE_DEVICES: '1' })).toEqual([1]);
    expect(visibleDevices({ HIP_VISIBLE_DEVICES: '0, 1' })).toEqual([0, 1]);
    expect(visibleDevices({ CUDA_VISIBLE_DEVICES: 'GPU-abc' })).toBeNull();
    expect(visibleDevices({})).toBeNull();
  });

  it('computes free memory on the model’s devices after the headroom', () => {
    expect(freeBytes(info, [1], GiB)).toBe(19 * GiB);
    expect(freeBytes(info, null, 0)).toBe(24 * GiB);
  });
});
