import type { ModelConfig, WatchdogSettings } from '../config/types.js';
import type { BackendHandle, Launcher } from '../loader/launcher.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Spawner } from '../platform/spawner.js';
import { BackendProcess } from '../supervisor/backend-process.js';
import { freePort } from '../supervisor/free-port.js';
import type { LogStore } from '../supervisor/log-store.js';
import type { RunRecords } from '../supervisor/run-records.js';
import { modelFileProblem } from '../gguf/model-file-problem.js';
import { expandCommand } from './command-line.js';

export interface ProcessLauncherDeps {
  spawner: Spawner;
  clock: Clock;
  logs: LogStore;
  records: RunRecords;
  logger: Logger;
  env: Record<string, string | undefined>;
}

/** The generic command + HTTP-health backend: a free loopback port, the expanded command, a process. */
export class ProcessLauncher implements Launcher {
  constructor(private readonly d: ProcessLauncherDeps) {}

  async create(model: ModelConfig, instance: number, settings: WatchdogSettings): Promise<BackendHandle> {
    // A bad model file fails the load here, with the reason, before anything is spawned.
    const problem = await modelFileProblem(model);
    if (problem) throw new Error(problem);
    const port = await freePort('127.0.0.1');
    const env = { ...this.d.env, ...model.env };
    const { file, args } = expandCommand(model, { port, env });
    const proc = new BackendProcess(
      { model: model.name, instance, file, args, env, port, healthPath: model.health, healthTimeoutMs: settings.healthTimeoutMs, stopTimeoutMs: settings.stopTimeoutMs },
      { spawner: this.d.spawner, clock: this.d.clock, logs: this.d.logs, records: this.d.records, logger: this.d.logger.child({ model: model.name, instance }) },
    );
    return {
      get pid() {
        return proc.pid;
      },
      port,
      start: (signal) => proc.start(signal),
      stop: (opts) => proc.stop(opts),
      onExit: (l) => proc.onExit(l),
    };
  }
}
