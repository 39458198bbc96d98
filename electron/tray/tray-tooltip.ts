import type { GpuSnapshot } from '../../shared/gpu.js';
import { formatElapsed, loadProgress } from '../../shared/load-progress.js';
import type { ModelView } from '../../shared/model-view.js';

const GIB = 1024 ** 3;

export interface MemoryTotals {
  label: 'VRAM' | 'RAM';
  usedBytes: number;
  totalBytes: number;
}

/** Summed over devices; RAM when the sampler fell back to system memory; null without data. */
export function memoryTotals(gpu: GpuSnapshot | null): MemoryTotals | null {
  if (!gpu || gpu.source === 'none' || gpu.devices.length === 0) return null;
  const totalBytes = gpu.devices.reduce((sum, d) => sum + d.total_bytes, 0);
  if (totalBytes <= 0) return null;
  const usedBytes = gpu.devices.reduce((sum, d) => sum + d.used_bytes, 0);
  return { label: gpu.source === 'ram' ? 'RAM' : 'VRAM', usedBytes, totalBytes };
}

const gib = (bytes: number): string => (bytes / GIB).toFixed(1);

/**
 * `Loadout — 2 loaded · VRAM 13.4/24.0 GiB`, then a line per load in progress; a model counts as
 * loaded while it is ready (busy included).
 */
export function trayTooltip(models: ModelView[], gpu: GpuSnapshot | null, now = Date.now()): string {
  const loaded = models.filter((m) => m.state === 'ready').length;
  const head = `Loadout — ${loaded} loaded`;
  const mem = memoryTotals(gpu);
  const loading = models.map((m) => loadingLine(m, now)).filter((l): l is string => l !== null);
  return [mem ? `${head} · ${mem.label} ${gib(mem.usedBytes)}/${gib(mem.totalBytes)} GiB` : head, ...loading].join('\n');
}

/** `Loading qwen3-8b… 45 %`, `Loading qwen3-8b… 12 s`, `qwen3-8b waits for gemma3-27b`; null unless starting. */
export function loadingLine(m: ModelView, now: number): string | null {
  const p = loadProgress(m, now);
  if (!p) return null;
  if (p.waitingFor.length > 0) return `${m.name} waits for ${p.waitingFor.join(', ')}`;
  return `Loading ${m.name}… ${p.percent !== null ? `${p.percent} %` : formatElapsed(p.elapsedMs)}`;
}

/** The short text macOS shows next to the icon (Tray.setTitle); empty without memory data. */
export function trayTitle(gpu: GpuSnapshot | null): string {
  const mem = memoryTotals(gpu);
  return mem ? `${gib(mem.usedBytes)}/${gib(mem.totalBytes)}G` : '';
}
