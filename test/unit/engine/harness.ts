import { DEFAULT_WATCHDOG, type LoadoutConfig, type ModelConfig, type WatchdogSettings } from '../../../electron/engine/config/types.js';
import { Engine, type EngineDeps } from '../../../electron/engine/engine.js';
import { EventLog } from '../../../electron/engine/events/event-log.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import type { EventType, LoadoutEvent } from '../../../shared/events.js';
import { FakeLauncher } from './fake-launcher.js';

export function model(name: string, o: Partial<ModelConfig> = {}): ModelConfig {
  return { name, cmd: 'x --port ${PORT}', health: '/health', model: null, args: '', env: {}, aliases: [], pinned: false, groups: [], ttlMs: null, vramBytes: null, contextSize: null, backend: null, unlisted: false, responseTimeoutMs: null, preload: false, protocol: 'http', sourceFile: '/tmp/c.yaml', sourceKind: 'main', ...o };
}

export function config(models: ModelConfig[], watchdog: Partial<WatchdogSettings> = {}): LoadoutConfig {
  return { file: '/tmp/c.yaml', listen: { host: '127.0.0.1', port: 0 }, stateDir: '/tmp', modelsDir: null, apiKey: null, watchdog: { ...DEFAULT_WATCHDOG, evictionRetries: 3, evictionRetryIntervalMs: 1000, ...watchdog }, backends: {}, models };
}

/** An engine on fake time with fake backends; nothing here spawns a process or sleeps. */
export function harness(models: ModelConfig[], watchdog: Partial<WatchdogSettings> = {}, deps: Partial<EngineDeps> = {}) {
  const clock = new FakeClock();
  const launcher = new FakeLauncher();
  const events = new EventLog(null, clock, silentLogger);
  const writes: { pinned?: [string, boolean]; watchdog?: unknown }[] = [];
  const engine = new Engine({
    config: config(models, watchdog),
    launcher,
    clock,
    logger: silentLogger,
    events,
    logTail: () => ['last line'],
    persistence: {
      writePinned: async (m, p) => void writes.push({ pinned: [m.name, p] }),
      writeWatchdog: async (patch) => void writes.push({ watchdog: patch }),
    },
    ...deps,
  });
  const ofType = (t: EventType): LoadoutEvent[] => events.list(0, 10_000).filter((e) => e.type === t);
  return { clock, launcher, events, engine, writes, ofType };
}

/** Lets promise chains settle (no time passes on the fake clock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}
