/** CONTRACT §4 `GET /api/gpu`. */
export type GpuSource = 'nvidia-smi' | 'amd-sysfs' | 'ram' | 'unified' | 'none';

export interface GpuDevice {
  index: number;
  name: string;
  vendor: 'nvidia' | 'amd' | 'intel' | 'apple' | 'system';
  total_bytes: number;
  used_bytes: number;
  uuid?: string;
}

export interface GpuProcess {
  pid: number;
  model: string | null;
  used_bytes: number;
  device_index?: number | null;
}

export interface GpuSnapshot {
  source: GpuSource;
  at: string | null;
  devices: GpuDevice[];
  processes: GpuProcess[];
  /** Set when the sampler could not read the source (e.g. nvidia-smi died and is restarting). */
  error?: string | null;
}

/** One point of the VRAM history shown by the dashboard chart. */
export interface GpuHistoryPoint {
  at: string;
  /** used bytes per device index */
  used: number[];
  /** bytes per model name, summed over devices */
  models: Record<string, number>;
  /** bytes per model name on each device, by position in `used` */
  device_models?: Record<string, number>[];
}
