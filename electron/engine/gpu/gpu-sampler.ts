import os from 'node:os';
import type { GpuProcess, GpuSnapshot } from '../../../shared/gpu.js';
import type { Clock, Timer } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { nodeSpawner, type Spawner } from '../platform/spawner.js';
import { readAmdSysfs } from './amd-sysfs.js';
import { readDrmFdinfo } from './drm-fdinfo.js';
import { findExecutable } from './find-executable.js';
import { parseNvidiaAppsCsv, type NvidiaAppRow } from './nvidia-apps-csv.js';
import type { NvidiaGpuRow } from './nvidia-gpu-csv.js';
import { nvidiaSnapshot } from './nvidia-snapshot.js';
import { NVIDIA_CSV_FORMAT, NvidiaStream } from './nvidia-stream.js';
import { ramDevice } from './ram-device.js';
import { RingBuffer } from './ring-buffer.js';
import { runOnce } from './run-once.js';

export interface GpuSamplerOptions {
  intervalMs?: number;
  spawner?: Spawner;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  clock: Clock;
  sysfsRoot?: string;
  procRoot?: string;
  historySize?: number;
  /** Pids whose DRM memory to read on AMD (fdinfo has no "list all" form; scanning /proc is costly). */
  pids?: () => Iterable<number>;
}

export interface GpuSamplePoint {
  at: string;
  /** Used bytes, position = device index. */
  used: number[];
  processes: { pid: number; used_bytes: number }[];
}

const APPS_QUERY = '--query-compute-apps=pid,used_memory,gpu_uuid';
/** How long an apps list stays valid while device memory does not change at all. */
const APPS_REUSE_MS = 10_000;
const EMPTY: GpuSnapshot = { source: 'none', at: null, devices: [], processes: [], error: null };

/**
 * Samples device memory and per-process GPU memory: nvidia-smi (one long-running stream plus a
 * compute-apps query per sample), else amdgpu sysfs + DRM fdinfo, else system RAM. Everything is
 * async; per sample the work is one parsed line per device and at most one short child process.
 * Processes carry `model: null`; attributeVram names them.
 */
export class GpuSampler {
  private readonly intervalMs: number;
  private readonly spawner: Spawner;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly history_: RingBuffer<GpuSamplePoint>;
  private readonly listeners = new Set<(s: GpuSnapshot) => void>();
  private readonly abort = new AbortController();
  private snapshot: GpuSnapshot = EMPTY;
  private stream: NvidiaStream | null = null;
  private pollTimer: Timer | null = null;
  private appsInFlight = false;
  private appsKey: string | null = null;
  private appsAt = 0;
  private apps: NvidiaAppRow[] = [];
  private latestRows: NvidiaGpuRow[] = [];
  /** Why the nvidia-smi stream is down; null while it delivers. Outlives an in-flight apps query. */
  private streamError: string | null = null;
  private firstSettled: (() => void) | null = null;
  private started = false;

  constructor(private readonly opts: GpuSamplerOptions) {
    this.intervalMs = Math.max(50, opts.intervalMs ?? 1000);
    this.spawner = opts.spawner ?? nodeSpawner;
    this.env = opts.env ?? process.env;
    this.log = opts.logger.child({ component: 'gpu' });
    this.clock = opts.clock;
    this.history_ = new RingBuffer(opts.historySize ?? 300);
  }

  /** Detects the source and resolves once the first sample (or the first failure) is in. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const first = new Promise<void>((resolve) => (this.firstSettled = resolve));
    // A stream that never prints must not hang startup; the sampler keeps trying behind it.
    const guard = this.clock.setTimeout(() => this.settleFirst(), Math.max(5000, 3 * this.intervalMs));
    const smi = await findExecutable('nvidia-smi', this.env);
    if (this.abort.signal.aborted) return guard.cancel();
    if (smi) {
      this.log.info('gpu source selected', { source: 'nvidia-smi', file: smi });
      this.startNvidia(smi);
    } else if ((await readAmdSysfs(this.opts.sysfsRoot)).length > 0) {
      this.log.info('gpu source selected', { source: 'amd-sysfs' });
      void this.poll(() => this.sampleAmd());
    } else {
      this.log.info('gpu source selected', { source: 'ram' });
      void this.poll(() => this.sampleRam());
    }
    await first;
    guard.cancel();
  }

  current(): GpuSnapshot {
    return this.snapshot;
  }

  history(): GpuSamplePoint[] {
    return this.history_.toArray();
  }

  onSample(listener: (s: GpuSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.abort.abort();
    this.stream?.dispose();
    this.stream = null;
    this.pollTimer?.cancel();
    this.pollTimer = null;
    this.listeners.clear();
    this.settleFirst();
  }

  private startNvidia(file: string): void {
    this.stream = new NvidiaStream({
      file,
      intervalMs: this.intervalMs,
      spawner: this.spawner,
      env: this.env,
      clock: this.clock,
      logger: this.log,
      onSample: (rows) => this.onNvidiaRows(file, rows),
      onDown: (message) => {
        // Keep serving the last numbers, flagged, so the UI can show "stale" instead of "empty".
        this.streamError = message;
        this.publish({ ...this.snapshot, source: 'nvidia-smi', error: message }, false);
        this.settleFirst();
      },
    });
    this.stream.start();
  }

  /**
   * The apps query is single-flight: a tick arriving while one runs only updates the rows, and the
   * running query publishes the newest rows when it lands. A slow driver thus lowers the publish
   * rate instead of stacking processes.
   */
  private onNvidiaRows(file: string, rows: NvidiaGpuRow[]): void {
    this.latestRows = rows;
    this.streamError = null;
    if (this.appsInFlight) return;
    // Each apps query is a new nvidia-smi process (driver init included): skip it while every device's
    // used memory is exactly as it was at the last query, for a while — a process that comes, goes or
    // grows changes those numbers.
    const key = rows.map((r) => `${r.index}:${r.used_bytes}`).join(',');
    const now = this.clock.now();
    if (key === this.appsKey && now - this.appsAt < APPS_REUSE_MS) {
      this.publish({ ...nvidiaSnapshot(rows, this.apps, this.stamp()), error: this.streamError }, true);
      return;
    }
    this.appsKey = key;
    this.appsAt = now;
    this.appsInFlight = true;
    const timeout = Math.max(2000, 2 * this.intervalMs);
    void runOnce(this.spawner, this.clock, file, [APPS_QUERY, NVIDIA_CSV_FORMAT], this.env, timeout, this.abort.signal).then((res) => {
      this.appsInFlight = false;
      if (this.abort.signal.aborted) return;
      if (res.error === null && res.code === 0) this.apps = parseNvidiaAppsCsv(res.stdout);
      else this.log.debug('compute-apps query failed; keeping the previous process list', { code: res.code, error: res.error });
      this.publish({ ...nvidiaSnapshot(this.latestRows, this.apps, this.stamp()), error: this.streamError }, true);
    });
  }

  /** Runs `sample` now and then every interval, never overlapping itself. */
  private async poll(sample: () => Promise<GpuSnapshot>): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      this.publish(await sample(), true);
    } catch (err) {
      this.log.error('gpu sample failed', { error: String(err) });
      this.publish({ ...this.snapshot, error: String(err) }, false);
    }
    if (this.abort.signal.aborted) return;
    this.pollTimer = this.clock.setTimeout(() => void this.poll(sample), this.intervalMs);
  }

  private async sampleAmd(): Promise<GpuSnapshot> {
    const devices = await readAmdSysfs(this.opts.sysfsRoot);
    const pids = [...new Set(this.opts.pids?.() ?? [])];
    const mems = await Promise.all(pids.map((pid) => readDrmFdinfo(this.opts.procRoot, pid)));
    const processes: GpuProcess[] = [];
    pids.forEach((pid, i) => {
      const m = mems[i];
      // fdinfo names the PCI device, not our index; with one AMD card (the common case) it is 0.
      if (m && m.clients > 0) processes.push({ pid, model: null, used_bytes: m.vram_bytes, device_index: devices.length === 1 ? 0 : null });
    });
    return { source: 'amd-sysfs', at: this.stamp(), devices, processes, error: null };
  }

  private async sampleRam(): Promise<GpuSnapshot> {
    const { source, device } = ramDevice({ totalmem: os.totalmem(), freemem: os.freemem(), platform: process.platform, arch: process.arch });
    return { source, at: this.stamp(), devices: [device], processes: [], error: null };
  }

  private publish(snapshot: GpuSnapshot, fresh: boolean): void {
    if (this.abort.signal.aborted) return;
    this.snapshot = snapshot;
    if (fresh && snapshot.at !== null) {
      const used: number[] = [];
      for (const d of snapshot.devices) used[d.index] = d.used_bytes;
      this.history_.push({
        at: snapshot.at,
        used: Array.from(used, (u) => u ?? 0),
        processes: snapshot.processes.map((p) => ({ pid: p.pid, used_bytes: p.used_bytes })),
      });
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(snapshot);
      } catch (err) {
        this.log.error('gpu sample listener threw', { error: String(err) });
      }
    }
    this.settleFirst();
  }

  private settleFirst(): void {
    const settle = this.firstSettled;
    this.firstSettled = null;
    settle?.();
  }

  private stamp(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
