import type { ModelConfig, WatchdogSettings } from '../config/types.js';
import type { BackendHandle, Launcher } from '../loader/launcher.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Spawner } from '../platform/spawner.js';
import { BackendProcess } from '../supervisor/backend-process.js';
import { freePort } from '../supervisor/free-port.js';
import type { LogStore } from '../supervisor/log-store.js';
import type { RunRecords } from '../supervisor/run-records.js';
import { TcpForwarder } from '../supervisor/tcp-forwarder.js';
import { expandCommand } from './command-line.js';

/** Awaited around a backend's start and stop (the `before_load` / `before_unload` hooks). */
export interface LaunchHooks {
  beforeLoad(model: string, instance: number): Promise<void>;
  beforeUnload(model: string, instance: number): Promise<void>;
}

export interface ProcessLauncherDeps {
  spawner: Spawner;
  clock: Clock;
  logs: LogStore;
  records: RunRecords;
  logger: Logger;
  env: Record<string, string | undefined>;
  hooks?: LaunchHooks;
}

/** The generic command + HTTP-health backend: a free loopback port, the expanded command, a process. */
export class ProcessLauncher implements Launcher {
  constructor(private readonly d: ProcessLauncherDeps) {}

  async create(model: ModelConfig, instance: number, settings: WatchdogSettings): Promise<BackendHandle> {
    const launch = model.launch ?? {};
    const port = await preferredPort(launch.port ?? null);
    const env = { ...this.d.env, ...model.env };
    const { file, args } = expandCommand(model, { port, env });
    const upstream = await upstreamOf(launch.proxy ?? null, port);
    const stopCmd = launch.stopCmd;
    const proc = new BackendProcess(
      {
        model: model.name, instance, file, args, env, port: upstream.port,
        healthPath: launch.healthCheck === false ? null : model.health,
        healthTimeoutMs: settings.healthTimeoutMs,
        stopTimeoutMs: launch.stopTimeoutMs ?? settings.stopTimeoutMs,
        stopCommand: stopCmd ? (pid) => expandCommand({ ...model, cmd: stopCmd.replaceAll('${PID}', String(pid)) }, { port, env }) : undefined,
      },
      { spawner: this.d.spawner, clock: this.d.clock, logs: this.d.logs, records: this.d.records, logger: this.d.logger.child({ model: model.name, instance }) },
    );
    if (upstream.forwarder) proc.onExit(() => void upstream.forwarder?.close());
    const hooks = this.d.hooks;
    let started = false;
    let unloadNotified: Promise<void> | null = null;
    return {
      get pid() {
        return proc.pid;
      },
      port: upstream.port,
      start: async (signal) => {
        await hooks?.beforeLoad(model.name, instance);
        const r = await proc.start(signal);
        started = r.ok;
        return r;
      },
      stop: async (opts) => {
        // Only an instance that was serving is "unloaded"; a failed start is not.
        if (started && hooks && !opts?.force) await (unloadNotified ??= hooks.beforeUnload(model.name, instance));
        return proc.stop(opts);
      },
      onExit: (l) => proc.onExit(l),
      probe: () => proc.probe(),
    };
  }
}

/** The model's own port when it is free (llama-swap's startPort numbering), else any free one. */
async function preferredPort(wanted: number | null): Promise<number> {
  if (wanted !== null) {
    try {
      return await freePort('127.0.0.1', wanted);
    } catch {
      // taken: any free port will do, as for every other model
    }
  }
  return freePort('127.0.0.1');
}

/** Where requests go: 127.0.0.1:${PORT}, the proxy's own port on this machine, or a forwarder to another host. */
async function upstreamOf(proxy: string | null, port: number): Promise<{ port: number; forwarder: TcpForwarder | null }> {
  if (!proxy) return { port, forwarder: null };
  const url = new URL(proxy.replaceAll('${PORT}', String(port)));
  const target = Number(url.port || 80);
  const host = url.hostname;
  if (host === '127.0.0.1' || host === 'localhost') return { port: target, forwarder: null };
  const forwarder = await TcpForwarder.open(host.replace(/^\[|\]$/g, ''), target);
  return { port: forwarder.port, forwarder };
}
