import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { sleep, type Clock, type Timer } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Spawner } from '../platform/spawner.js';
import type { LogStore } from './log-store.js';
import { groupHasLiveMembers, signalGroup } from './process-group.js';
import type { ProcessIdentity } from './process-identity.js';
import { findEscapees, signalEscapees } from './process-tree.js';
import { ReadinessPoller } from './readiness-poller.js';
import { probeHealthDetail } from './health-probe.js';
import { isProcessAlive } from './process-info.js';
import type { RunRecords } from './run-records.js';

export interface BackendSpec {
  model: string;
  instance: number;
  file: string;
  args: string[];
  env: Record<string, string | undefined>;
  port: number;
  /** Null: no health check, ready as soon as it is spawned (llama-swap's `checkEndpoint: none`). */
  healthPath: string | null;
  /** 0 waits forever. */
  healthTimeoutMs: number;
  stopTimeoutMs: number;
  cwd?: string;
  /** Run instead of SIGTERM to ask the backend to stop (llama-swap's `cmdStop`); given the leader's pid. */
  stopCommand?: (pid: number) => { file: string; args: string[] };
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
}

export type StartFailureCode = 'spawn_failed' | 'exited' | 'health_timeout' | 'aborted';

export interface StartFailure {
  code: StartFailureCode;
  message: string;
  exitCode: number | null;
  signal: string | null;
  logTail: string[];
}

export type StartResult = { ok: true; loadMs: number } | { ok: false; failure: StartFailure };

export interface BackendDeps {
  spawner: Spawner;
  clock: Clock;
  logs: LogStore;
  records: RunRecords;
  logger: Logger;
}

/** Lines of output quoted in a failed start. */
const LOG_TAIL_LINES = 20;
/**
 * After the leader exits, how long to wait for its pipes to drain. A process outside the group
 * (one that called setsid) can hold them open forever, so this is bounded.
 */
const DRAIN_MS = 250;
/** How long to wait for SIGKILLed group members to be gone before reporting the stop anyway. */
const GROUP_GONE_MS = 1000;
/**
 * How often a running backend's process tree is walked for processes that left its group (Linux).
 * A walk also runs once it is ready and whenever it is stopped; this catches escapees started later,
 * so that they are known if the backend dies on its own or Loadout itself is killed.
 */
const TRACK_MS = 3000;

type Outcome = { kind: 'ready' } | { kind: 'exited'; info: ExitInfo } | { kind: 'timeout' } | { kind: 'aborted' };

/**
 * One spawn of one model's backend: its process group, its output, its readiness and its stop.
 * Single use: a restart is a new BackendProcess with a new instance number, so nothing of an old
 * instance (timers, records, exit listeners) can touch a new one.
 */
/** How long a failed probe of a dying process waits for its exit to be reported. */
const EXIT_REPORT_GRACE_MS = 1000;
/**
 * Once a backend is ready, its output is read at most this often while it comes in small pieces:
 * a server that logs a line or ten per request then costs one read per batch instead of one per
 * line. Output still in the pipe when the process exits is read at once.
 */
const OUTPUT_PACE_MS = 50;
/** A read this large means the backend writes a lot: it is read on without a pause (its writes never wait on us). */
const PACE_BELOW_CHARS = 16 * 1024;

export class BackendProcess {
  readonly spec: BackendSpec;
  private readonly deps: BackendDeps;
  private readonly log: Logger;
  private childPid: number | null = null;
  private exit: ExitInfo | null = null;
  private started = false;
  private stopRequested = false;
  private stopping: Promise<ExitInfo> | null = null;
  private killed = false;
  private readonly exitListeners = new Set<(info: ExitInfo) => void>();
  private readonly exited: Promise<ExitInfo>;
  private resolveExited!: (info: ExitInfo) => void;
  private poller: ReadinessPoller | null = null;
  /** Ready: its output is read in batches (see OUTPUT_PACE_MS). */
  private paced = false;
  private readonly pipes: Readable[] = [];
  /** Processes of this backend outside its group (they called setsid): a group signal misses them. */
  private escapees: ProcessIdentity[] = [];
  private trackTimer: Timer | null = null;

  constructor(spec: BackendSpec, deps: BackendDeps) {
    this.spec = spec;
    this.deps = deps;
    this.log = deps.logger.child({ model: spec.model, instance: spec.instance });
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get pid(): number | null {
    return this.childPid;
  }

  /** Null while running (or before start). */
  get exitInfo(): ExitInfo | null {
    return this.exit;
  }

  /**
   * Asks the health endpoint once (the engine's recycling of broken backends). A backend that is
   * exiting closes its socket before its exit is reported: that is a crash, not an unhealthy backend,
   * so a failed probe of a dying process waits for the exit to be reported first.
   */
  async probe(): Promise<{ ok: boolean; reason: string }> {
    if (this.spec.healthPath === null) return { ok: this.exit === null, reason: 'no health check configured' };
    const r = await probeHealthDetail(this.spec.port, this.spec.healthPath);
    if (r.state !== 'ok' && !this.exit && this.childPid !== null && process.platform === 'linux' && !isProcessAlive(this.childPid)) {
      await Promise.race([this.exited, sleep(this.deps.clock, EXIT_REPORT_GRACE_MS)]);
    }
    return { ok: r.state === 'ok', reason: r.reason };
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Spawns the backend and resolves once its health endpoint answers 2xx, or with why it never will. */
  async start(signal?: AbortSignal): Promise<StartResult> {
    if (this.started) throw new Error(`backend ${this.spec.model}#${this.spec.instance} was already started`);
    this.started = true;
    const { spec, deps } = this;
    if (this.stopRequested || signal?.aborted) {
      this.finish({ exitCode: null, signal: null });
      return this.fail('aborted', 'the start was cancelled before the backend was spawned', this.exit);
    }
    const spawnedAt = deps.clock.now();
    const spawned = await this.spawn();
    if (spawned instanceof Error) {
      this.finish({ exitCode: null, signal: null });
      const why = (spawned as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : spawned.message;
      return this.fail('spawn_failed', `could not start ${spec.file}: ${why}`, this.exit);
    }
    this.log.info('backend spawned', { pid: spawned, port: spec.port });

    const outcome = await this.awaitReadiness(signal);
    switch (outcome.kind) {
      case 'ready': {
        if (this.stopRequested) return this.fail('aborted', 'the backend was stopped before it was ready', await this.exited);
        const loadMs = deps.clock.now() - spawnedAt;
        this.paced = true;
        // The /proc walk and the log line come after the caller learned of the ready backend.
        setImmediate(() => {
          this.log.info('backend ready', { pid: spawned, port: spec.port, load_ms: loadMs });
          this.trackEscapees();
        });
        return { ok: true, loadMs };
      }
      case 'exited': {
        if (this.stopRequested) return this.fail('aborted', 'the backend was stopped before it was ready', outcome.info);
        const why = outcome.info.signal ? `was killed by ${outcome.info.signal}` : `exited with code ${outcome.info.exitCode}`;
        const last = deps.logs.lastLine(spec.model, spec.instance, 'stderr') ?? deps.logs.lastLine(spec.model, spec.instance, 'stdout');
        return this.fail('exited', `backend ${why} before it was ready${last ? `: ${last}` : ''}`, outcome.info);
      }
      case 'timeout': {
        const reason = this.poller?.lastReason ?? 'not probed';
        const info = await this.stop({ force: true });
        return this.fail('health_timeout', `backend was not healthy within ${spec.healthTimeoutMs}ms (last health check: ${reason})`, info);
      }
      case 'aborted': {
        const info = await this.stop({ force: true });
        return this.fail('aborted', 'the start was cancelled', info);
      }
    }
  }

  /**
   * SIGTERM to the group, SIGKILL after stopTimeoutMs; `force` kills at once (and escalates a
   * graceful stop already under way). Concurrent calls share one stop; after exit it resolves at once.
   */
  stop(opts: { force?: boolean } = {}): Promise<ExitInfo> {
    if (this.exit) return Promise.resolve(this.exit);
    this.stopRequested = true;
    if (this.childPid === null) {
      // Not spawned yet (start() sees stopRequested) or a spawn whose failure is still on its way.
      if (!this.started) this.finish({ exitCode: null, signal: null });
      return this.exited;
    }
    if (opts.force) this.kill('forced stop');
    if (!this.stopping) this.stopping = this.stopGracefully(this.childPid);
    return this.stopping;
  }

  private async stopGracefully(pid: number): Promise<ExitInfo> {
    let timer: Timer | null = null;
    if (!this.killed) {
      this.log.info('stopping backend', { pid, timeout_ms: this.spec.stopTimeoutMs });
      this.trackEscapees();
      signalEscapees(this.escapees, 'SIGTERM');
      if (this.spec.stopCommand) void this.runStopCommand(pid, this.spec.stopCommand(pid));
      else if (signalGroup(pid, 'SIGTERM') === 'denied') this.log.warn('SIGTERM to the backend group was refused', { pid });
      timer = this.deps.clock.setTimeout(() => this.kill(`no exit within ${this.spec.stopTimeoutMs}ms of SIGTERM`), this.spec.stopTimeoutMs);
    }
    const info = await this.exited;
    timer?.cancel();
    return info;
  }

  /**
   * The configured stop command, its output kept with the backend's. If it cannot run or fails, the
   * group gets SIGTERM after all; either way SIGKILL follows after stopTimeoutMs.
   */
  private async runStopCommand(pid: number, cmd: { file: string; args: string[] }): Promise<void> {
    const { spec, deps } = this;
    const code = await new Promise<number | string>((resolve) => {
      let child: ChildProcess;
      try {
        child = deps.spawner.spawn({ file: cmd.file, args: cmd.args, env: spec.env, cwd: spec.cwd });
      } catch (err) {
        return resolve(err instanceof Error ? err.message : String(err));
      }
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream]?.setEncoding('utf8');
        child[stream]?.on('data', (chunk: string) => deps.logs.append(spec.model, spec.instance, stream, chunk));
      }
      let done = false;
      child.once('error', (err) => resolve(err.message));
      child.once('exit', (c, sig) => {
        done = true;
        resolve(c ?? sig ?? 'unknown');
      });
      // A stop command never outlives the backend it stops.
      void this.exited.then(() => {
        if (!done && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      });
    });
    if (code === 0 || this.exit) return;
    this.log.warn('the stop command failed; sending SIGTERM', { pid, stop_cmd: [cmd.file, ...cmd.args].join(' '), result: code });
    if (signalGroup(pid, 'SIGTERM') === 'denied') this.log.warn('SIGTERM to the backend group was refused', { pid });
  }

  private kill(why: string): void {
    if (this.killed || this.exit || this.childPid === null) return;
    this.killed = true;
    this.log.warn('killing backend process group', { pid: this.childPid, why });
    this.trackEscapees();
    if (signalGroup(this.childPid, 'SIGKILL') === 'denied') this.log.warn('SIGKILL to the backend group was refused', { pid: this.childPid });
    signalEscapees(this.escapees, 'SIGKILL');
  }

  /**
   * Walks the process tree for descendants outside the group (issue 8: a `setsid` child survived
   * unload, shutdown and the restart reaper) and records them in the run record. Linux only: other
   * platforms have no cheap tree walk (see the README). Re-arms itself while the backend runs.
   */
  private trackEscapees(): void {
    this.trackTimer?.cancel();
    this.trackTimer = null;
    const pid = this.childPid;
    if (pid === null || this.exit) return;
    const found = findEscapees(pid, this.escapees);
    const before = this.escapees.map((e) => `${e.pid}/${e.procStart}`).join(',');
    this.escapees = found;
    if (found.map((e) => `${e.pid}/${e.procStart}`).join(',') !== before) {
      this.log.info('backend processes outside its group', { pid, pids: found.map((e) => e.pid) });
      try {
        this.deps.records.setDescendants(pid, found);
      } catch (err) {
        this.log.error('could not update the run record', { pid, error: String(err) });
      }
    }
    if (process.platform === 'linux') this.trackTimer = this.deps.clock.setTimeout(() => this.trackEscapees(), TRACK_MS);
  }

  /** Resolves with the pid, or with the spawn error (ENOENT, EACCES, ...). */
  private spawn(): Promise<number | Error> {
    const { spec, deps } = this;
    let child: ChildProcess;
    try {
      child = deps.spawner.spawn({ file: spec.file, args: spec.args, env: spec.env, cwd: spec.cwd });
    } catch (err) {
      return Promise.resolve(err instanceof Error ? err : new Error(String(err)));
    }
    const pid = child.pid;
    if (pid === undefined) {
      // Node reports spawn failures asynchronously, as the child's first 'error' event.
      return new Promise((resolve) => child.once('error', resolve));
    }
    this.childPid = pid;
    child.on('error', (err) => this.log.warn('backend process error', { pid, error: err.message }));
    try {
      deps.records.add({ model: spec.model, instance: spec.instance, pid, startedAt: new Date(deps.clock.now()).toISOString(), cmd: [spec.file, ...spec.args] });
    } catch (err) {
      // The backend still works; only reaping after a crash of the engine would miss it.
      this.log.error('could not write the run record', { pid, error: String(err) });
    }
    deps.logs.started(spec.model, spec.instance, pid);
    for (const stream of ['stdout', 'stderr'] as const) {
      const pipe = child[stream];
      if (pipe) this.pipes.push(pipe);
      // utf8 decoding keeps a character split across two chunks intact.
      pipe?.setEncoding('utf8');
      pipe?.on('data', (chunk: string) => {
        // The probe's connection is opened first; storing the line overlaps its round trip.
        this.poller?.kick();
        deps.logs.append(spec.model, spec.instance, stream, chunk);
        if (this.paced && chunk.length < PACE_BELOW_CHARS && !this.exit) {
          pipe.pause();
          deps.clock.setTimeout(() => pipe.resume(), OUTPUT_PACE_MS);
        }
      });
    }
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.once('exit', (code, sig) => void this.onLeaderExit(pid, { exitCode: code, signal: sig }, closed));
    return Promise.resolve(pid);
  }

  private async onLeaderExit(pid: number, info: ExitInfo, closed: Promise<void>): Promise<void> {
    this.paced = false;
    for (const pipe of this.pipes) pipe.resume();
    this.trackTimer?.cancel();
    this.trackTimer = null;
    // The leader is gone, so parent links to it are broken: the walk starts from the known escapees.
    const escaped = findEscapees(pid, this.escapees);
    if (signalEscapees(escaped, 'SIGKILL') > 0) this.log.warn('killed processes the backend left outside its group', { pid, pids: escaped.map((e) => e.pid) });
    // Children that ignored SIGTERM or outlived their leader: nothing of a backend is left behind.
    if (signalGroup(pid, 'SIGKILL') === 'sent') {
      this.log.warn('killed processes left in the backend group', { pid });
      // SIGKILL is asynchronous: report the stop only once nothing of the group is running.
      for (let waited = 0; waited < GROUP_GONE_MS && groupHasLiveMembers(pid); waited += 5) await sleep(this.deps.clock, 5);
    }
    let timer: Timer | null = null;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = this.deps.clock.setTimeout(resolve, DRAIN_MS)))]);
    (timer as Timer | null)?.cancel();
    this.deps.logs.flush(this.spec.model, this.spec.instance);
    try {
      this.deps.records.remove(pid);
    } catch (err) {
      this.log.error('could not remove the run record', { pid, error: String(err) });
    }
    this.log.info('backend exited', { pid, exit_code: info.exitCode, signal: info.signal });
    this.finish(info);
  }

  private finish(info: ExitInfo): void {
    if (this.exit) return;
    this.exit = info;
    this.resolveExited(info);
    for (const listener of [...this.exitListeners]) {
      try {
        listener(info);
      } catch (err) {
        this.log.error('exit listener threw', { error: String(err) });
      }
    }
  }

  private async awaitReadiness(signal: AbortSignal | undefined): Promise<Outcome> {
    const { spec, deps } = this;
    if (spec.healthPath === null) return this.exit ? { kind: 'exited', info: this.exit } : { kind: 'ready' };
    const stopPolling = new AbortController();
    this.poller = new ReadinessPoller(spec.port, spec.healthPath, deps.clock);
    let timer: Timer | null = null;
    let onAbort: (() => void) | null = null;
    const outcome = await Promise.race<Outcome>([
      this.poller.run(stopPolling.signal).then((ok): Outcome => (ok ? { kind: 'ready' } : { kind: 'aborted' })),
      this.exited.then((info): Outcome => ({ kind: 'exited', info })),
      new Promise<Outcome>((resolve) => {
        if (spec.healthTimeoutMs > 0) timer = deps.clock.setTimeout(() => resolve({ kind: 'timeout' }), spec.healthTimeoutMs);
      }),
      new Promise<Outcome>((resolve) => {
        onAbort = () => resolve({ kind: 'aborted' });
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    // A poller that said ready has stopped already (and an abort's DOMException costs a stack trace).
    if (outcome.kind !== 'ready') stopPolling.abort();
    (timer as Timer | null)?.cancel();
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    return outcome;
  }

  private fail(code: StartFailureCode, message: string, info: ExitInfo | null): StartResult {
    const logTail = this.deps.logs.tailInstance(this.spec.model, this.spec.instance, LOG_TAIL_LINES);
    this.log.warn('backend failed to start', { code, message, exit_code: info?.exitCode ?? null, signal: info?.signal ?? null });
    return { ok: false, failure: { code, message, exitCode: info?.exitCode ?? null, signal: info?.signal ?? null, logTail } };
  }
}
