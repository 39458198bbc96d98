import type { GpuHistoryPoint, GpuSnapshot } from '../../../shared/gpu.js';
import type { ModelConfig } from '../config/types.js';
import type { Engine } from '../engine.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { attributeVram } from './attribute-vram.js';
import { estimateGgufBytes } from './estimate-gguf.js';
import { GpuSampler, type GpuSamplerOptions } from './gpu-sampler.js';
import { MeasuredVram, peakKey } from './measured-vram.js';
import { treeRssBytes } from './process-rss.js';
import { visibleDevices, type MemoryInfo, type MemoryOracle } from './memory-oracle.js';
import { PgidResolver } from './pgid-resolver.js';

export interface GpuMonitorDeps {
  engine: Engine;
  clock: Clock;
  logger: Logger;
  stateDir: string | null;
  sampler?: Partial<GpuSamplerOptions>;
}

const HISTORY = 600;

/**
 * Joins GPU samples to the engine: names each GPU process's model (by process group), feeds each
 * model's measured memory into its view, remembers peaks for the next load, keeps the history the
 * dashboard charts, and answers the loader's and reclaimer's memory questions.
 */
export class GpuMonitor implements MemoryOracle {
  private readonly sampler: GpuSampler;
  private readonly pgids: PgidResolver;
  private readonly measured: MeasuredVram;
  private latest: GpuSnapshot = { source: 'none', at: null, devices: [], processes: [], error: null };
  private readonly points: GpuHistoryPoint[] = [];
  private off: (() => void) | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly sampleWaiters = new Set<() => void>();
  private disposed = false;

  constructor(private readonly d: GpuMonitorDeps) {
    this.sampler = new GpuSampler({ logger: d.logger.child({ component: 'gpu' }), clock: d.clock, intervalMs: 1000, pids: () => this.backendPids(), ...d.sampler });
    this.pgids = new PgidResolver({ clock: d.clock });
    this.measured = d.stateDir ? MeasuredVram.inStateDir(d.stateDir) : new MeasuredVram(null);
  }

  async start(): Promise<void> {
    // Samples are processed one at a time, in order: an older one can never overwrite a newer one.
    this.off = this.sampler.onSample((s) => {
      this.queue = this.queue.then(() => this.onSample(s)).catch((err: unknown) => this.d.logger.error('gpu sample failed', { err: String(err) }));
    });
    await this.sampler.start();
    this.d.engine.attachMemory(this);
    await this.refreshEstimates();
  }

  snapshot(): GpuSnapshot {
    return this.latest;
  }

  history(): GpuHistoryPoint[] {
    return [...this.points];
  }

  dispose(): void {
    this.disposed = true;
    this.off?.();
    this.sampler.dispose();
    this.measured.flush();
    for (const w of this.sampleWaiters) w();
  }

  // ---- MemoryOracle ------------------------------------------------------------------------

  info(): MemoryInfo | null {
    const s = this.latest;
    if (!s.at || s.devices.length === 0 || s.source === 'none') return null;
    return {
      at: Date.parse(s.at),
      kind: s.source === 'ram' || s.source === 'unified' ? 'ram' : 'gpu',
      devices: s.devices.map((dev) => ({ index: dev.index, total: dev.total_bytes, used: dev.used_bytes })),
    };
  }

  devicesOf(model: ModelConfig): number[] | null {
    return visibleDevices(model.env);
  }

  needOf(model: ModelConfig): number | null {
    return model.vramBytes ?? this.measured.get(peakKey(model)) ?? this.d.engine.estimateOf(model.name);
  }

  async released(pids: number[], since: number, timeoutMs: number): Promise<boolean> {
    const deadline = this.d.clock.now() + timeoutMs;
    for (;;) {
      if (this.disposed) return false; // no more samples will come: don't hold a load or a shutdown
      const s = this.latest;
      const fresh = s.at !== null && Date.parse(s.at) > since;
      // The whole process group must be gone from the GPU, not only its leader (pgid = the leader's pid).
      if (fresh && !s.processes.some((p) => pids.includes(p.pid) || pids.includes(this.pgids.pgidOf(p.pid) ?? -1))) return true;
      const left = deadline - this.d.clock.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          t.cancel();
          this.sampleWaiters.delete(done);
          resolve();
        };
        const t = this.d.clock.setTimeout(done, left);
        this.sampleWaiters.add(done);
      });
    }
  }

  /** Estimates each GGUF model's need before it is ever loaded (fit-before-load, dashboard). */
  async refreshEstimates(): Promise<void> {
    for (const m of this.d.engine.currentConfig.models) {
      if (m.vramBytes !== null || !m.model || !m.model.toLowerCase().endsWith('.gguf')) continue;
      try {
        const est = await estimateGgufBytes(m.model, m.contextSize);
        this.d.engine.setEstimate(m.name, est?.totalBytes ?? null);
      } catch (err) {
        this.d.logger.debug('no GGUF estimate', { model: m.name, err: String(err) });
      }
    }
  }

  private backendPids(): number[] {
    return this.d.engine.liveBackends().map((b) => b.pid);
  }

  private async onSample(raw: GpuSnapshot): Promise<void> {
    await this.pgids.refresh(raw.processes.map((p) => p.pid));
    const groups = this.d.engine.liveBackends().map((b) => ({ model: b.model, pgid: b.pid }));
    const { snapshot, perModel } = attributeVram(raw, groups, (pid) => this.pgids.pgidOf(pid));
    this.latest = snapshot;
    this.d.engine.setVram(perModel);
    // Without GPU data a model's memory is its RAM: the resident set of its process tree.
    this.d.engine.setRam(snapshot.source === 'ram' ? ramPerModel(this.d.engine.liveBackends()) : new Map());
    if (snapshot.source !== 'ram' && snapshot.source !== 'unified') {
      const configs = new Map(this.d.engine.currentConfig.models.map((m) => [m.name, m]));
      for (const [model, bytes] of perModel) {
        const config = configs.get(model);
        if (config) this.measured.record(peakKey(config), bytes);
      }
      this.measured.flush();
    }
    const point: GpuHistoryPoint | null = snapshot.at
      ? { at: snapshot.at, used: snapshot.devices.map((dev) => dev.used_bytes), models: Object.fromEntries(perModel), device_models: perDeviceModels(snapshot) }
      : null;
    if (point) {
      this.points.push(point);
      if (this.points.length > HISTORY) this.points.splice(0, this.points.length - HISTORY);
    }
    this.d.engine.emit({ type: 'gpu', gpu: snapshot, point });
    const waiters = [...this.sampleWaiters];
    this.sampleWaiters.clear();
    for (const w of waiters) w();
  }
}

function ramPerModel(backends: { model: string; pid: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of backends) {
    const rss = treeRssBytes(b.pid);
    if (rss !== null) out.set(b.model, rss);
  }
  return out;
}

/** Each device's bytes per model; a process without a device index counts on the only device, if one. */
export function perDeviceModels(s: GpuSnapshot): Record<string, number>[] {
  const out = s.devices.map(() => ({}) as Record<string, number>);
  for (const p of s.processes) {
    if (!p.model) continue;
    const index = p.device_index ?? (s.devices.length === 1 ? s.devices[0]!.index : null);
    const pos = s.devices.findIndex((d) => d.index === index);
    if (pos < 0) continue;
    const row = out[pos]!;
    row[p.model] = (row[p.model] ?? 0) + p.used_bytes;
  }
  return out;
}
