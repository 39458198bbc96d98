/** CONTRACT §5: the numbered, persisted event log. Events are past tense. */

/** Who started a model; `pinned`: kept loaded because it is pinned (after a crash, or pinned in the file). */
export const START_TRIGGERS = ['api', 'request', 'tray', 'preload', 'ui', 'cli', 'pinned'] as const;
export type StartTrigger = (typeof START_TRIGGERS)[number];
export const EVICTION_REASONS = ['lru', 'group', 'idle', 'busy_timeout', 'memory'] as const;
export type EvictionReason = (typeof EVICTION_REASONS)[number];
export const STOP_REASONS = ['manual', 'evicted', 'shutdown', 'exited', 'unhealthy'] as const;
export type StopReason = (typeof STOP_REASONS)[number];
export const REFUSAL_REASONS = ['pinned_conflict', 'busy', 'no_memory', 'cooldown'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
/** Why a start failed (`model_failed` reason and `data.code`). */
export const START_FAILURE_CODES = ['spawn_failed', 'exited', 'health_timeout', 'aborted'] as const;
export type StartFailureCode = (typeof START_FAILURE_CODES)[number];

export interface EventDataMap {
  model_starting: { trigger: StartTrigger; instance: number };
  model_ready: { pid: number; port: number; load_ms: number; instance: number };
  model_evicted: {
    for?: string | null;
    group?: string | null;
    vram_bytes?: number | null;
    vram_before?: number | null;
    vram_after?: number | null;
    instance: number;
    /** `idle`, `busy_timeout`: how long the model had been idle, or its oldest request in flight. */
    for_ms?: number;
  };
  model_stopped: { exit_code: number | null; signal: string | null; instance: number; log_tail?: string[]; vram_before?: number | null; vram_after?: number | null; error?: string; drained?: boolean; cancelled?: boolean };
  model_failed: { exit_code: number | null; signal?: string | null; log_tail: string[]; instance: number | null; code: string };
  load_refused: { blocking: string[]; for?: string; retry_after_s?: number; failures?: number; hint?: string };
  model_pinned: Record<string, never>;
  model_unpinned: Record<string, never>;
  config_reloaded: { file: string; models: number };
  config_invalid: { file: string; line: number | null; column: number | null; key: string | null };
  /** Every warning of the running config (ignored keys, missing discover folders), naming file and key. */
  config_warning: { warnings: string[] };
  settings_changed: { changed: string[]; [key: string]: unknown };
  orphans_reaped: { pids: number[] };
}

export type EventType = keyof EventDataMap;
export const EVENT_TYPES = [
  'model_starting', 'model_ready', 'model_evicted', 'model_stopped', 'model_failed', 'load_refused',
  'model_pinned', 'model_unpinned', 'config_reloaded', 'config_invalid', 'config_warning', 'settings_changed', 'orphans_reaped',
] as const satisfies readonly EventType[];

export interface LoadoutEventOf<T extends EventType> {
  seq: number;
  at: string;
  type: T;
  model: string | null;
  reason: string | null;
  message: string;
  data: EventDataMap[T];
}

/** The discriminated union: `switch (e.type)` narrows `data`. */
export type LoadoutEvent = { [T in EventType]: LoadoutEventOf<T> }[EventType];

/** What the engine asks the log to record; seq and at are assigned by the log. */
export type NewEvent = { [T in EventType]: Omit<LoadoutEventOf<T>, 'seq' | 'at'> }[EventType];
