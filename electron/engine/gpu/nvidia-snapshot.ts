import type { GpuDevice, GpuProcess, GpuSnapshot } from '../../../shared/gpu.js';
import type { NvidiaAppRow } from './nvidia-apps-csv.js';
import type { NvidiaGpuRow } from './nvidia-gpu-csv.js';

/**
 * Joins device rows and compute-app rows into a snapshot. Pure.
 *
 * Unknowns, because GpuDevice/GpuProcess carry plain numbers: a device whose used memory nvidia-smi
 * will not report (MIG, WDDM) gets the sum of its known processes — a lower bound that is never
 * more than the truth, so admission errs toward "fits" only by memory no tool can see anyway; an
 * unknown total is 0, which makes the device useless for fit checks instead of wrongly roomy. A
 * process with unknown memory (WDDM) is kept with 0 bytes: knowing it uses the GPU still matters.
 */
export function nvidiaSnapshot(rows: NvidiaGpuRow[], apps: NvidiaAppRow[], at: string): GpuSnapshot {
  const indexByUuid = new Map<string, number>();
  for (const r of rows) if (r.uuid) indexByUuid.set(r.uuid, r.index);
  const processes: GpuProcess[] = apps.map((a) => ({
    pid: a.pid,
    model: null,
    used_bytes: a.used_bytes ?? 0,
    device_index: a.gpu_uuid ? (indexByUuid.get(a.gpu_uuid) ?? null) : null,
  }));
  const devices: GpuDevice[] = rows.map((r) => {
    let used = r.used_bytes;
    if (used === null) {
      used = 0;
      for (const p of processes) if (p.device_index === r.index) used += p.used_bytes;
    }
    const device: GpuDevice = { index: r.index, name: r.name, vendor: 'nvidia', total_bytes: r.total_bytes ?? 0, used_bytes: used };
    if (r.uuid) device.uuid = r.uuid;
    return device;
  });
  return { source: 'nvidia-smi', at, devices, processes, error: null };
}
