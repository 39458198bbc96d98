import { z } from 'zod';
import type { LoadoutEvent } from './events.js';
import type { GpuHistoryPoint, GpuSnapshot } from './gpu.js';
import type { LoadPlanView, ModelView } from './model-view.js';
import { watchdogPatchSchema, type WatchdogSettingsView } from './settings.js';

/**
 * The command map: the single source for the IPC channel and the HTTP control API. Each command takes
 * one payload object, validated by its schema in main before anything acts on it.
 */
const name = z.string().min(1).max(200);

export const commandSchemas = {
  'snapshot.get': z.strictObject({}),
  'models.list': z.strictObject({}),
  'models.get': z.strictObject({ name }),
  'models.load': z.strictObject({ name }),
  'models.plan': z.strictObject({ name }),
  'models.unload': z.strictObject({ name, force: z.boolean().optional() }),
  'models.setPinned': z.strictObject({ name, pinned: z.boolean() }),
  /** Writes a discovered model into the config file's `models:` (comments kept); it is then a configured model. */
  'models.add': z.strictObject({ name }),
  /** Adds a GGUF file by path (found by discovery or not) to the config file's `models:`; `name` defaults to the one discovery would give it. */
  'models.addFile': z.strictObject({ path: z.string().max(4096), name: name.optional() }),
  'events.list': z.strictObject({
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
  }),
  'logs.tail': z.strictObject({ name, tail: z.coerce.number().int().min(1).max(10_000).optional() }),
  /** IPC only: which model's log lines this window receives as `log` pushes (null = none). Over HTTP the
   *  dashboard opens `GET /api/models/{name}/logs/stream` instead. */
  'logs.follow': z.strictObject({ name: name.nullable() }),
  'gpu.get': z.strictObject({}),
  'settings.get': z.strictObject({}),
  'settings.update': watchdogPatchSchema,
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandPayload<C extends CommandName> = z.input<(typeof commandSchemas)[C]>;
export type ParsedPayload<C extends CommandName> = z.output<(typeof commandSchemas)[C]>;

export interface LogLine {
  at: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What the dashboard needs on connect; events follow from `last_seq`. */
export interface Snapshot {
  models: ModelView[];
  settings: WatchdogSettingsView;
  gpu: GpuSnapshot;
  gpu_history: GpuHistoryPoint[];
  events: LoadoutEvent[];
  last_seq: number;
  config_file: string;
  config_error: string | null;
  /** What the running config ignores or could not use, each naming its file and key. */
  config_warnings: string[];
  version: string;
  /**
   * Where OpenAI clients reach this instance (`http://HOST:PORT`, a wildcard listen address shown as
   * loopback); the dashboard shows `<api_url>/v1` where its own origin is not the API (the desktop app).
   */
  api_url?: string | null;
}

export interface CommandResults {
  'snapshot.get': Snapshot;
  'models.list': { models: ModelView[] };
  'models.get': ModelView;
  'models.load': ModelView;
  'models.plan': LoadPlanView;
  'models.unload': ModelView;
  'models.setPinned': ModelView;
  'models.add': ModelView;
  'models.addFile': ModelView;
  'events.list': { events: LoadoutEvent[] };
  'logs.tail': { lines: LogLine[] };
  'logs.follow': { following: string | null };
  'gpu.get': GpuSnapshot;
  'settings.get': WatchdogSettingsView;
  'settings.update': WatchdogSettingsView;
}

export type CommandResult<C extends CommandName> = CommandResults[C];

/** One implementation serves every face (HTTP, IPC); see electron/api/commands.ts. */
export type CommandHandlers = {
  [C in CommandName]: (payload: ParsedPayload<C>, ctx: CommandContext) => Promise<CommandResults[C]>;
};

export interface CommandContext {
  /** Which face asked: recorded as the start trigger of loads. */
  origin: 'api' | 'ui' | 'tray' | 'cli';
  /** Present for IPC senders: lets `logs.follow` choose which model's lines reach this window. */
  followLogs?: (name: string | null) => void;
}

export const COMMAND_NAMES = Object.keys(commandSchemas) as CommandName[];
