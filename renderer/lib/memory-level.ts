import type { GpuDevice } from '../../shared/gpu.js';

/** How full a device's memory is; the bars colour and label the two upper levels. */
export type MemoryLevel = 'normal' | 'warning' | 'critical';

/** From 85 % used a new model may no longer fit; from 95 % even a small one may not. */
export const WARNING_SHARE = 0.85;
export const CRITICAL_SHARE = 0.95;

export function memoryLevel(used: number, total: number): MemoryLevel {
  if (total <= 0) return 'normal';
  // Compared as used >= share × total, so 19 GiB of 20 GiB is exactly 95 % (no rounding in a division).
  return used >= CRITICAL_SHARE * total ? 'critical' : used >= WARNING_SHARE * total ? 'warning' : 'normal';
}

/** The words shown beside a bar, so the level never rests on colour alone. */
export const MEMORY_LEVEL_LABEL: Record<MemoryLevel, string> = { normal: '', warning: 'High', critical: 'Critical' };

const RANK: Record<MemoryLevel, number> = { normal: 0, warning: 1, critical: 2 };

/** The level of the fullest device: a summary of several GPUs must not average a full one away. */
export function worstMemoryLevel(devices: readonly Pick<GpuDevice, 'used_bytes' | 'total_bytes'>[]): MemoryLevel {
  let worst: MemoryLevel = 'normal';
  for (const d of devices) {
    const level = memoryLevel(d.used_bytes, d.total_bytes);
    if (RANK[level] > RANK[worst]) worst = level;
  }
  return worst;
}
