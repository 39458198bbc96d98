import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuHistoryPoint, GpuSnapshot } from '../shared/gpu.js';
import { createCommandHandlers } from './api/commands.js';
import { HttpServer } from './api/http/server.js';
import { BackendLauncher } from './engine/backends/backend-launcher.js';
import { ConfigWatcher } from './engine/config/config-watcher.js';
import { loadConfig } from './engine/config/load-config.js';
import { parseListen } from './engine/config/parse-listen.js';
import { formatConfigError, type ConfigResult } from './engine/config/types.js';
import { writePinned, writeWatchdogSettings } from './engine/config/write-back.js';
import { Engine } from './engine/engine.js';
import { EventLog } from './engine/events/event-log.js';
import { GpuMonitor } from './engine/gpu/gpu-monitor.js';
import { systemClock } from './engine/platform/clock.js';
import { createLogger } from './engine/platform/logger.js';
import { nodeSpawner } from './engine/platform/spawner.js';
import { LogStore } from './engine/supervisor/log-store.js';
import { RunRecords } from './engine/supervisor/run-records.js';
import type { Service, ServiceOptions } from './service.js';

/** The package version, found by walking up from this file (source under test, or dist/ when built). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
    if (dirname(dir) === dir) return '0.0.0';
  }
}

const VERSION = packageVersion();

/** A config error as an Error whose message names file, line, column and key. */
export class ConfigLoadError extends Error {}

/** `--listen HOST:PORT`, with the same grammar as the config's `listen`. */
function listenOverride(s: string): { host: string; port: number } {
  const listen = parseListen(s);
  if (!listen) throw new ConfigLoadError(`--listen: expected HOST:PORT, got "${s}"`);
  return listen;
}

/**
 * The composition root of the engine (shared by `loadout serve` and the desktop app): builds the real
 * clock, spawner, logger and GPU sampler, reaps what a crash left behind, then starts serving.
 */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const logger = opts.logger ?? createLogger((process.env.LOADOUT_LOG_LEVEL as 'info') ?? 'info');
  const clock = systemClock;
  const first = await loadConfig(opts.configFile);
  if (!first.ok) throw new ConfigLoadError(formatConfigError(first.error));
  const config = first.config;
  for (const w of first.warnings) logger.warn(w);
  mkdirSync(config.stateDir, { recursive: true });

  // Before anything else: backends a previous run left behind (Loadout was killed) go first.
  const records = new RunRecords(config.stateDir);
  const reaped = await records.reapOrphans(logger);

  const events = new EventLog(config.stateDir, clock, logger);
  if (reaped.length) {
    events.append({ type: 'orphans_reaped', model: null, reason: null, message: `stopped ${reaped.length} backend(s) left over from a previous run: ${reaped.map((r) => `${r.model} (pid ${r.pid})`).join(', ')}`, data: { pids: reaped.map((r) => r.pid) } });
  }
  const logs = new LogStore({ clock });
  const launcher = new BackendLauncher({ spawner: nodeSpawner, clock, logs, records, logger, env: process.env });
  const engine = new Engine({
    config,
    launcher,
    clock,
    logger,
    events,
    logTail: (model, instance, n) => logs.tailInstance(model, instance, n),
    persistence: {
      writePinned: (model, pinned) => writePinned(model, pinned),
      writeWatchdog: (patch) => writeWatchdogSettings(config.file, patch as Record<string, string | number | boolean>),
    },
  });
  const gpu = new GpuMonitor({ engine, clock, logger, stateDir: config.stateDir });
  let configError: string | null = null;

  const onReload = (r: ConfigResult) => {
    if (r.ok) {
      configError = null;
      engine.applyConfig(r.config);
      watcher.setModelsDir(r.config.modelsDir);
      void gpu.refreshEstimates();
    } else {
      configError = formatConfigError(r.error);
      logger.warn('config invalid; keeping the last good config', { error: configError });
      events.append({ type: 'config_invalid', model: null, reason: null, message: `${configError} (the last good config keeps running)`, data: { file: r.error.file, line: r.error.line, column: r.error.column, key: r.error.key } });
    }
  };
  const watcher = new ConfigWatcher(config.file, { load: (f) => loadConfig(f), onChange: onReload, modelsDir: config.modelsDir, clock, logger });

  const handlers = createCommandHandlers({
    engine,
    gpu: (): GpuSnapshot => gpu.snapshot(),
    gpuHistory: (): GpuHistoryPoint[] => gpu.history(),
    logTail: (model, n) => logs.tail(model, n),
    configError: () => configError,
    version: VERSION,
  });
  const listen = opts.listen ? listenOverride(opts.listen) : config.listen;
  const server = new HttpServer({ engine, handlers, onLog: (m, l) => logs.subscribe(m, l), rendererDir: opts.rendererDir ?? null, apiKey: config.apiKey, logger });
  const bound = await server.listen(listen.host, listen.port);
  engine.start();
  await watcher.start();
  await gpu.start();

  let stopping: Promise<void> | null = null;
  const hostForUrl = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
  return {
    commands: handlers,
    onPush: (l) => engine.onPush(l),
    onLog: (m, l) => logs.subscribe(m, l),
    url: `http://${hostForUrl}:${bound.port}`,
    configFile: config.file,
    stop: () =>
      (stopping ??= (async () => {
        watcher.dispose();
        gpu.dispose();
        await engine.shutdown();
        await server.close();
      })()),
  };
}
