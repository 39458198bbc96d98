import type { ChildProcess } from 'node:child_process';
import type { LoadoutEvent } from '../../../shared/events.js';
import { splitCommandLine } from '../backends/command-line.js';
import type { LaunchHooks } from '../backends/process-launcher.js';
import type { HooksConfig } from '../config/types.js';
import type { Clock, Timer } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Spawner } from '../platform/spawner.js';
import { signalGroup } from '../supervisor/process-group.js';
import { hooksForEvent, instanceOf, type HookPayload } from './hook-payload.js';

export interface HookRunnerDeps {
  spawner: Spawner;
  clock: Clock;
  logger: Logger;
  env: Record<string, string | undefined>;
  /** The current `hooks:` (it follows config reloads). */
  hooks(): HooksConfig | undefined;
}

/**
 * Lifecycle hooks (issue 11; llama-swap#156): each runs a command, not through a shell, with the
 * payload as JSON on stdin. Hooks run one at a time in the order their events happened, each bounded
 * by `hooks.timeout` (then its process group is killed); output goes to the log; a failing hook is
 * logged and changes nothing else. `before_load` and `before_unload` are awaited by the launcher, so
 * they finish before the backend is spawned or signalled.
 */
export class HookRunner implements LaunchHooks {
  private queue: Promise<void> = Promise.resolve();
  /** The model_starting event of each instance, handed to its before_load hook. */
  private readonly starting = new Map<string, LoadoutEvent>();
  private readonly log: Logger;

  constructor(private readonly d: HookRunnerDeps) {
    this.log = d.logger.child({ component: 'hooks' });
  }

  /** Feed every event here (the event log subscription). */
  onEvent(e: LoadoutEvent): void {
    if (e.type === 'model_starting' && e.model) this.starting.set(`${e.model}#${e.data.instance}`, e);
    if (e.type === 'model_ready' || e.type === 'model_failed') this.starting.delete(`${e.model}#${instanceOf(e)}`);
    for (const hook of hooksForEvent(e)) void this.run({ hook, model: e.model, instance: instanceOf(e), event: e });
  }

  beforeLoad(model: string, instance: number): Promise<void> {
    const key = `${model}#${instance}`;
    const event = this.starting.get(key) ?? null;
    this.starting.delete(key);
    return this.run({ hook: 'before_load', model, instance, event });
  }

  beforeUnload(model: string, instance: number): Promise<void> {
    return this.run({ hook: 'before_unload', model, instance, event: null });
  }

  /** Queues the hook's commands; resolves when they ran (at once when none is configured). Never rejects. */
  run(payload: HookPayload): Promise<void> {
    const config = this.d.hooks();
    const commands = config?.commands[payload.hook] ?? [];
    if (!config || commands.length === 0) return Promise.resolve();
    const job = this.queue.then(async () => {
      for (const cmd of commands) await this.runOne(payload, cmd, config.timeoutMs);
    });
    this.queue = job;
    return job;
  }

  private runOne(payload: HookPayload, cmd: string, timeoutMs: number): Promise<void> {
    const log = this.log.child({ hook: payload.hook, model: payload.model });
    const [file, ...args] = splitCommandLine(cmd);
    return new Promise<void>((resolve) => {
      let child: ChildProcess;
      try {
        child = this.d.spawner.spawn({
          file: file!, args, stdin: 'pipe',
          env: { ...this.d.env, LOADOUT_HOOK: payload.hook, LOADOUT_MODEL: payload.model ?? '' },
        });
      } catch (err) {
        log.warn('hook could not start', { cmd, error: String(err) });
        return resolve();
      }
      let timer: Timer | null = null;
      let done = false;
      const finish = (what: Record<string, unknown>, ok: boolean) => {
        if (done) return;
        done = true;
        timer?.cancel();
        if (ok) log.info('hook finished', { cmd, ...what });
        else log.warn('hook failed', { cmd, ...what });
        resolve();
      };
      child.once('error', (err) => finish({ error: err.message }, false));
      child.once('exit', (code, signal) => finish({ exit_code: code, signal }, code === 0));
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream]?.setEncoding('utf8');
        child[stream]?.on('data', (chunk: string) => {
          for (const line of chunk.split('\n')) if (line.trim()) log.info('hook output', { stream, line });
        });
      }
      // A hook that does not read its stdin must not fail: EPIPE is expected then.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(JSON.stringify(payload) + '\n');
      timer = this.d.clock.setTimeout(() => {
        log.warn('hook timed out; killing it', { cmd, timeout_ms: timeoutMs });
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      }, timeoutMs);
    });
  }
}
