import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { GpuHistoryPoint, GpuSnapshot } from '../shared/gpu.js';
import { createCommandHandlers } from './api/commands.js';
import { HttpServer } from './api/http/server.js';
import { BackendLauncher } from './engine/backends/backend-launcher.js';
import { ConfigWatcher } from './engine/config/config-watcher.js';
import { loadConfig } from './engine/config/load-config.js';
import { parseListen } from './engine/config/parse-listen.js';
import { formatConfigError, type ConfigResult, type LoadoutConfig } from './engine/config/types.js';
import { ConfigWarnings } from './engine/config/config-warnings.js';
import { writeModelEntry, writePinned, writeWatchdogSettings } from './engine/config/write-back.js';
import { Discovery } from './engine/discovery/discovery.js';
import { EffectiveConfig, type Effective } from './engine/discovery/effective-config.js';
import { addDiscoveredModel, configEntryFor } from './engine/discovery/add-discovered-model.js';
import { addModelFile } from './engine/discovery/add-model-file.js';
import { findExecutable } from './engine/gpu/find-executable.js';
import { Engine } from './engine/engine.js';
import { HookRunner } from './engine/hooks/hook-runner.js';
import { EventLog } from './engine/events/event-log.js';
import { GpuMonitor } from './engine/gpu/gpu-monitor.js';
import { systemClock } from './engine/platform/clock.js';
import { createLogger, type Logger } from './engine/platform/logger.js';
import { nodeSpawner } from './engine/platform/spawner.js';
import { LogFiles } from './engine/supervisor/log-files.js';
import { LogStore } from './engine/supervisor/log-store.js';
import { LoadTimes } from './engine/progress/load-times.js';
import { RunRecords } from './engine/supervisor/run-records.js';
import { StateLock } from './engine/supervisor/state-lock.js';
import { packageVersion } from './package-version.js';
import type { Service, ServiceOptions } from './service.js';

const VERSION = packageVersion();
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/** A config error as an Error whose message names file, line, column and key. */
export class ConfigLoadError extends Error {}

/** `--listen HOST:PORT`, with the same grammar as the config's `listen`. */
function listenOverride(s: string, flag = '--listen'): { host: string; port: number } {
  const listen = parseListen(s);
  if (!listen) throw new ConfigLoadError(`${flag}: expected HOST:PORT, got "${s}"`);
  return listen;
}

/**
 * `models.NAME.preload` (and llama-swap's hooks.on_startup.preload) and pinned models (pin means kept
 * loaded): started once the API listens; a failure is an event, not a stop.
 */
function preload(engine: Engine, config: LoadoutConfig, logger: Logger): void {
  for (const m of config.models) {
    if (!m.preload && !m.pinned) continue;
    engine.load(m.name, 'preload').catch((err: unknown) => logger.warn('preload failed', { model: m.name, error: err instanceof Error ? err.message : String(err) }));
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
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
  mkdirSync(first.config.stateDir, { recursive: true });
  // One Loadout per state dir: a second one would reap the first one's backends as orphans and
  // number events twice. This throws, naming the running one, before anything is touched.
  const lock = StateLock.acquire(first.config.stateDir, new Date(clock.now()).toISOString());
  try {
    return await serveWithLock(opts, first, lock, logger);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function serveWithLock(opts: ServiceOptions, first: { config: LoadoutConfig; warnings: string[] }, lock: StateLock, logger: Logger): Promise<Service> {
  const clock = systemClock;
  // Discovered GGUF files join the configured models; the engine sees one list (README "Add your models").
  // Changes seen before the engine exists are picked up by the compose right after it starts.
  let engineUp = false;
  const discovery = new Discovery({ clock, logger, onChange: () => {
    if (engineUp) applyEffective(effective.compose());
  } });
  const effective = new EffectiveConfig(discovery, { llamaServerOnPath: (await findExecutable('llama-server', process.env)) !== null });
  const initial = await effective.set(first.config, first.warnings);
  const config = initial.config;

  // Before anything else: backends a previous run left behind (Loadout was killed) go first.
  const records = new RunRecords(config.stateDir);
  const reaped = await records.reapOrphans(logger);

  const events = new EventLog(config.stateDir, clock, logger);
  if (reaped.length) {
    events.append({ type: 'orphans_reaped', model: null, reason: null, message: `stopped ${reaped.length} backend(s) left over from a previous run: ${reaped.map((r) => `${r.model} (pid ${r.pid})`).join(', ')}`, data: { pids: reaped.map((r) => r.pid) } });
  }
  // Backend output: the last lines in memory, all of it (bounded, rotated) in state_dir/logs.
  const logFiles = new LogFiles({ dir: join(config.stateDir, 'logs'), logger });
  const logs = new LogStore({ clock, sink: logFiles });
  let current = config;
  const hooks = new HookRunner({ spawner: nodeSpawner, clock, logger, env: process.env, hooks: () => current.hooks });
  events.subscribe((e) => hooks.onEvent(e));
  const launcher = new BackendLauncher({ spawner: nodeSpawner, clock, logs, records, logger, env: process.env, hooks });
  const engine = new Engine({
    config,
    launcher,
    clock,
    logger,
    events,
    logTail: (model, instance, n) => logs.tailInstance(model, instance, n),
    loadTimes: LoadTimes.inStateDir(config.stateDir, logger),
    persistence: {
      // Pinning a discovered model makes it a configured one, pinned.
      writePinned: (model, pinned) =>
        model.sourceKind === 'discovered'
          ? writeModelEntry(config.file, model.name, { ...configEntryFor(model), pinned })
          : writePinned(model, pinned),
      writeWatchdog: (patch) => writeWatchdogSettings(config.file, patch as Record<string, string | number | boolean>),
    },
  });
  // Backend output is where a load's progress shows (the built-in backend prints it).
  logs.observe((model, instance, line) => engine.observeBackendLine(model, instance, line.text));
  const gpu = new GpuMonitor({ engine, clock, logger, stateDir: config.stateDir });
  const warnings = new ConfigWarnings(events, logger);
  let configError: string | null = null;

  function applyEffective(e: Effective): void {
    engine.applyConfig(e.config);
    warnings.report(e.warnings);
    void gpu.refreshEstimates();
  }

  // The latest reload's application (discovery may rescan first); `models.add` waits for it.
  let applying: Promise<void> = Promise.resolve();
  const onReload = (r: ConfigResult) => {
    if (r.ok) {
      configError = null;
      current = r.config;
      watcher.setModelsDir(r.config.modelsDir);
      applying = effective.set(r.config, r.warnings).then(applyEffective, (e: unknown) => logger.error('model discovery failed', { error: String(e) }));
    } else {
      configError = formatConfigError(r.error);
      logger.warn('config invalid; keeping the last good config', { error: configError });
      events.append({ type: 'config_invalid', model: null, reason: null, message: `${configError} (the last good config keeps running)`, data: { file: r.error.file, line: r.error.line, column: r.error.column, key: r.error.key } });
    }
  };
  const watcher = new ConfigWatcher(config.file, { load: (f) => loadConfig(f), onChange: onReload, modelsDir: config.modelsDir, clock, logger });

  // After a write into the config file: a check already running may have read the file before the
  // write; the second one has not.
  const reloadAfterWrite = async (): Promise<void> => {
    await watcher.refresh();
    await watcher.refresh();
    await applying;
  };
  let clientUrl: string | null = null;
  const handlers = createCommandHandlers({
    engine,
    gpu: (): GpuSnapshot => gpu.snapshot(),
    gpuHistory: (): GpuHistoryPoint[] => gpu.history(),
    logTail: (model, n) => logs.tail(model, n),
    configError: () => configError,
    configWarnings: () => warnings.current(),
    addModel: (name) => addDiscoveredModel(engine, name, reloadAfterWrite),
    addModelFile: (request) => addModelFile(engine, request, { homeDir: homedir(), reload: reloadAfterWrite }),
    version: VERSION,
    apiUrl: () => clientUrl,
  });
  const listen = opts.listen ? listenOverride(opts.listen) : config.listen;
  const server = new HttpServer({ engine, handlers, onLog: (m, l) => logs.subscribe(m, l), rendererDir: opts.rendererDir ?? null, apiKey: config.apiKey, apiKeys: config.apiKeys, allowedHosts: () => current.allowedHosts, logger, clock, gpu: () => gpu.snapshot(), version: VERSION });
  const bound = await server.listen(listen.host, listen.port);
  const url = `http://${urlHost(bound.host)}:${bound.port}`;
  // A wildcard address is where we listen, not where a client connects: on this machine that is loopback.
  clientUrl = WILDCARD_HOSTS.has(bound.host) ? `http://127.0.0.1:${bound.port}` : url;
  lock.setUrl(url);
  const ollamaListen = opts.ollamaListen !== undefined ? listenOverride(opts.ollamaListen, '--ollama-listen') : config.ollamaListen;
  let ollamaUrl: string | null = null;
  if (ollamaListen) {
    try {
      const o = await server.listenOllama(ollamaListen.host, ollamaListen.port);
      ollamaUrl = `http://${urlHost(o.host)}:${o.port}`;
    } catch (err) {
      await server.close();
      throw new ConfigLoadError(`ollama_listen ${ollamaListen.host}:${ollamaListen.port}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  engine.start();
  engineUp = true;
  applyEffective(effective.compose());
  await watcher.start();
  await gpu.start();
  preload(engine, config, logger);

  let stopping: Promise<void> | null = null;
  return {
    commands: handlers,
    onPush: (l) => engine.onPush(l),
    onLog: (m, l) => logs.subscribe(m, l),
    url,
    ollamaUrl,
    apiKey: config.apiKey ?? config.apiKeys?.[0] ?? null,
    configFile: config.file,
    stop: () =>
      (stopping ??= (async () => {
        watcher.dispose();
        discovery.dispose();
        gpu.dispose();
        await engine.shutdown();
        await server.close();
        await logFiles.flush();
        events.close();
        lock.release();
      })()),
  };
}
