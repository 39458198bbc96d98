import type { CommandHandlers, LogLine, Snapshot } from '../../shared/commands.js';
import type { StartTrigger } from '../../shared/events.js';
import type { GpuHistoryPoint, GpuSnapshot } from '../../shared/gpu.js';
import type { ModelView } from '../../shared/model-view.js';
import type { Engine } from '../engine/engine.js';

export interface CommandDeps {
  engine: Engine;
  gpu(): GpuSnapshot;
  gpuHistory(): GpuHistoryPoint[];
  logTail(model: string, n: number): LogLine[];
  configError(): string | null;
  configWarnings(): string[];
  /** Writes a discovered model into the config file and waits for the reload. */
  addModel(name: string): Promise<ModelView>;
  /** Writes a GGUF file into the config file as a model and waits for the reload. */
  addModelFile(request: { path: string; name?: string | undefined }): Promise<ModelView>;
  version: string;
  /** The HTTP API's base URL for clients, once it listens. */
  apiUrl?: () => string | null;
}

const TRIGGER: Record<'api' | 'ui' | 'tray' | 'cli', StartTrigger> = { api: 'api', ui: 'ui', tray: 'tray', cli: 'cli' };

/**
 * The one implementation of every command (ARCHITECTURE principle 1). The HTTP control API and the IPC
 * handler are adapters: they parse the payload with the schema from shared/ and call these.
 */
export function createCommandHandlers(d: CommandDeps): CommandHandlers {
  const { engine } = d;
  return {
    'snapshot.get': async (): Promise<Snapshot> => ({
      models: engine.listModels(),
      settings: engine.settings(),
      gpu: d.gpu(),
      gpu_history: d.gpuHistory(),
      events: d.engine.context.events.latest(500),
      last_seq: d.engine.context.events.lastSeq,
      config_file: engine.configFile,
      config_error: d.configError(),
      config_warnings: d.configWarnings(),
      version: d.version,
      api_url: d.apiUrl?.() ?? null,
    }),
    'models.list': async () => ({ models: engine.listModels() }),
    'models.get': async ({ name }) => engine.getModel(name),
    'models.load': async ({ name }, ctx) => engine.load(name, TRIGGER[ctx.origin]),
    'models.plan': async ({ name }) => engine.plan(name),
    'models.unload': async ({ name, force }) => engine.unload(name, force ?? false),
    'models.setPinned': async ({ name, pinned }, ctx) => engine.setPinned(name, pinned, TRIGGER[ctx.origin]),
    'models.add': async ({ name }) => d.addModel(name),
    'models.addFile': async (request) => d.addModelFile(request),
    'events.list': async ({ after, limit }) => ({ events: engine.context.events.list(after ?? 0, limit ?? 1000) }),
    'logs.tail': async ({ name, tail }) => {
      engine.getModel(name); // 404 for unknown models
      return { lines: d.logTail(name, tail ?? 200) };
    },
    'logs.follow': async ({ name }, ctx) => {
      if (name !== null) engine.getModel(name);
      ctx.followLogs?.(name);
      return { following: name };
    },
    'gpu.get': async () => d.gpu(),
    'settings.get': async () => engine.settings(),
    'settings.update': async (patch) => engine.updateSettings(patch),
  };
}
