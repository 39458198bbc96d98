import type { ModelConfig } from '../../../electron/engine/config/types.js';
import type { BackendHandle, ExitInfo, Launcher, StartResult } from '../../../electron/engine/loader/launcher.js';

/** A backend whose start, stop and crash the test controls. Records every call. */
export class FakeBackend implements BackendHandle {
  private static nextPid = 1000;
  readonly pid = FakeBackend.nextPid++;
  readonly port = 40000 + (this.pid % 1000);
  stops: { force: boolean }[] = [];
  exited: ExitInfo | null = null;
  private listeners = new Set<(i: ExitInfo) => void>();
  private settle!: (r: StartResult) => void;
  readonly started: Promise<StartResult>;

  constructor(readonly model: string, readonly instance: number) {
    this.started = new Promise((r) => (this.settle = r));
  }

  start(): Promise<StartResult> {
    return this.started;
  }

  ready(loadMs = 5): void {
    this.settle({ ok: true, loadMs });
  }

  failStart(exitCode = 1, message = 'boom'): void {
    this.exit({ exitCode, signal: null });
    this.settle({ ok: false, failure: { code: 'exited', message, exitCode, signal: null, logTail: [message] } });
  }

  crash(exitCode = 3): void {
    this.exit({ exitCode, signal: null });
  }

  async stop(opts?: { force?: boolean }): Promise<ExitInfo> {
    this.stops.push({ force: opts?.force ?? false });
    this.exit({ exitCode: null, signal: opts?.force ? 'SIGKILL' : 'SIGTERM' });
    this.settle({ ok: false, failure: { code: 'aborted', message: 'stopped', exitCode: null, signal: 'SIGTERM', logTail: [] } });
    return this.exited!;
  }

  /** What the next health probes answer; a probe can be held open with `hang`. */
  healthy = true;
  probes = 0;
  hang: Promise<void> | null = null;

  async probe(): Promise<{ ok: boolean; reason: string }> {
    this.probes++;
    if (this.hang) await this.hang;
    return this.healthy && !this.exited ? { ok: true, reason: 'HTTP 200' } : { ok: false, reason: 'ECONNREFUSED' };
  }

  onExit(l: (i: ExitInfo) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private exit(info: ExitInfo): void {
    if (this.exited) return;
    this.exited = info;
    for (const l of this.listeners) l(info);
  }
}

export class FakeLauncher implements Launcher {
  readonly created: FakeBackend[] = [];
  /** When set, every backend becomes ready as soon as it is started. */
  autoReady = true;
  private waiters: ((b: FakeBackend) => void)[] = [];

  /** When set, create() waits for it (like the real launcher's free-port probe). */
  gate: Promise<void> | null = null;

  /** When set, create() throws it (a bad model file, a port that cannot be found). */
  createError: Error | null = null;

  async create(model: ModelConfig, instance: number): Promise<FakeBackend> {
    if (this.gate) await this.gate;
    if (this.createError) throw this.createError;
    const b = new FakeBackend(model.name, instance);
    this.created.push(b);
    if (this.autoReady) b.ready();
    for (const w of this.waiters.splice(0)) w(b);
    return b;
  }

  /** Resolves with the next backend created (or the latest if `count` already exist). */
  nth(count: number): Promise<FakeBackend> {
    if (this.created.length >= count) return Promise.resolve(this.created[count - 1]!);
    return new Promise((resolve) => {
      const check = (b: FakeBackend) => (this.created.length >= count ? resolve(b) : this.waiters.push(check));
      this.waiters.push(check);
    });
  }

  live(model: string): FakeBackend[] {
    return this.created.filter((b) => b.model === model && !b.exited);
  }
}
