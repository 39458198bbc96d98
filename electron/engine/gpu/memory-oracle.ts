import type { ModelConfig } from '../config/types.js';

/** What the loader and the reclaimer know about memory; null info = no GPU data (CONTRACT §4 rule 4). */
export interface MemoryInfo {
  /** ms epoch of the sample. */
  at: number;
  /** bytes per device index. */
  devices: { index: number; total: number; used: number }[];
  /** `gpu` when a GPU source exists; `ram` for the system-memory fallback. */
  kind: 'gpu' | 'ram';
}

export interface MemoryOracle {
  info(): MemoryInfo | null;
  /** Device indices a model runs on (from CUDA/HIP visibility in its env), or null for all. */
  devicesOf(model: ModelConfig): number[] | null;
  /** Configured `vram`, else what it measured last time it ran, else the GGUF estimate. */
  needOf(model: ModelConfig): number | null;
  /** Resolves once a sample taken after `since` no longer shows `pids`, or after `timeoutMs`. */
  released(pids: number[], since: number, timeoutMs: number): Promise<boolean>;
}

/** `CUDA_VISIBLE_DEVICES="0,1"` → [0, 1]; UUIDs or unset → null (every device). */
export function visibleDevices(env: Record<string, string>): number[] | null {
  const raw = env.CUDA_VISIBLE_DEVICES ?? env.HIP_VISIBLE_DEVICES ?? env.ROCR_VISIBLE_DEVICES;
  if (raw === undefined || raw.trim() === '') return null;
  const ids = raw.split(',').map((s) => s.trim());
  if (!ids.every((s) => /^\d+$/.test(s))) return null;
  return ids.map(Number);
}

/** Free bytes on the given devices (all when null) after the headroom. */
export function freeBytes(info: MemoryInfo, devices: number[] | null, headroom: number): number {
  const devs = devices ? info.devices.filter((d) => devices.includes(d.index)) : info.devices;
  return devs.reduce((sum, d) => sum + Math.max(0, d.total - d.used), 0) - headroom;
}

/** Bytes used over all devices, or null without data. */
export function usedBytes(info: MemoryInfo | null): number | null {
  return info ? info.devices.reduce((n, d) => n + d.used, 0) : null;
}
