import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Clock, Timer } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Spawner } from '../platform/spawner.js';
import { GpuLineAssembler } from './gpu-line-assembler.js';
import type { NvidiaGpuRow } from './nvidia-gpu-csv.js';

export const NVIDIA_GPU_QUERY = '--query-gpu=index,uuid,name,memory.total,memory.used';
export const NVIDIA_CSV_FORMAT = '--format=csv,noheader,nounits';

const MAX_BACKOFF_MS = 30_000;

export interface NvidiaStreamOptions {
  file: string;
  intervalMs: number;
  spawner: Spawner;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  onSample(rows: NvidiaGpuRow[]): void;
  /** The stream stopped (exit, spawn failure); a restart is already scheduled. */
  onDown(message: string): void;
}

/**
 * Keeps ONE `nvidia-smi --query-gpu=... -lms N` alive and turns its lines into samples: forking
 * nvidia-smi every second costs tens of ms of driver init each time, the loop mode costs one
 * process for the app's lifetime (llama-swap does the same with `--loop`). When it dies it is
 * restarted with doubling backoff (interval → 30 s), reset by the next good sample.
 */
export class NvidiaStream {
  private child: ChildProcess | null = null;
  private restartTimer: Timer | null = null;
  private backoffMs: number;
  private disposed = false;
  private readonly assembler = new GpuLineAssembler();

  constructor(private readonly opts: NvidiaStreamOptions) {
    this.backoffMs = this.baseBackoff();
  }

  start(): void {
    if (this.disposed || this.child) return;
    const { file, intervalMs, spawner, env } = this.opts;
    const child = spawner.spawn({ file, args: [NVIDIA_GPU_QUERY, NVIDIA_CSV_FORMAT, '-lms', String(intervalMs)], env });
    this.child = child;
    let down = false;
    const onDown = (message: string) => {
      if (down) return;
      down = true;
      if (this.child === child) this.child = null;
      this.assembler.reset();
      if (this.disposed) return;
      this.scheduleRestart(message);
    };
    child.on('error', (err) => onDown(`nvidia-smi failed to start: ${err.message}`));
    child.on('exit', (code, signal) => onDown(`nvidia-smi exited (${signal ?? `code ${code}`})`));
    child.stderr?.resume();
    if (child.stdout) {
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (this.disposed || this.child !== child) return;
        for (const rows of this.assembler.push(line)) {
          this.backoffMs = this.baseBackoff();
          this.opts.onSample(rows);
        }
      });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.restartTimer?.cancel();
    this.restartTimer = null;
    this.child?.kill('SIGTERM');
    this.child = null;
  }

  private baseBackoff(): number {
    return Math.min(Math.max(this.opts.intervalMs, 100), MAX_BACKOFF_MS);
  }

  private scheduleRestart(message: string): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.opts.logger.warn('gpu sampler stream down; restarting', { reason: message, delay_ms: delay });
    this.opts.onDown(message);
    this.restartTimer = this.opts.clock.setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delay);
  }
}
