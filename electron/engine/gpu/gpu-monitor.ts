import type { GpuHistoryPoint, GpuSnapshot } from '../../../shared/gpu.js';
import type { Engine } from '../engine.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { attributeVram } from './attribute-vram.js';
import { estimateGgufBytes } from './estimate-gguf.js';
import { GpuSampler, type GpuSamplerOptions } from './gpu-sampler.js';
import { PgidResolver } from './pgid-resolver.js';

export interface GpuMonitorDeps {
  engine: Engine;
  clock: Clock;
  logger: Logger;
  sampler?: Partial<GpuSamplerOptions>;
}

const HISTORY = 600;

/**
 * Joins GPU samples to the engine: names each GPU process's model (by process group), feeds each
 * model's measured memory into its view, keeps the history the dashboard charts, and pushes samples.
 */
export class GpuMonitor {
  private readonly sampler: GpuSampler;
  private readonly pgids: PgidResolver;
  private latest: GpuSnapshot = { source: 'none', at: null, devices: [], processes: [], error: null };
  private readonly points: GpuHistoryPoint[] = [];
  private off: (() => void) | null = null;

  constructor(private readonly d: GpuMonitorDeps) {
    this.sampler = new GpuSampler({ logger: d.logger.child({ component: 'gpu' }), clock: d.clock, intervalMs: 1000, pids: () => this.backendPids(), ...d.sampler });
    this.pgids = new PgidResolver({ clock: d.clock });
  }

  async start(): Promise<void> {
    this.off = this.sampler.onSample((s) => void this.onSample(s));
    await this.sampler.start();
    await this.refreshEstimates();
  }

  snapshot(): GpuSnapshot {
    return this.latest;
  }

  history(): GpuHistoryPoint[] {
    return [...this.points];
  }

  dispose(): void {
    this.off?.();
    this.sampler.dispose();
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
    const point: GpuHistoryPoint | null = snapshot.at
      ? { at: snapshot.at, used: snapshot.devices.map((dev) => dev.used_bytes), models: Object.fromEntries(perModel) }
      : null;
    if (point) {
      this.points.push(point);
      if (this.points.length > HISTORY) this.points.splice(0, this.points.length - HISTORY);
    }
    this.d.engine.emit({ type: 'gpu', gpu: snapshot, point });
  }
}
