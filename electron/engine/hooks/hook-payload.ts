import type { EventType, LoadoutEvent, LoadoutEventOf } from '../../../shared/events.js';
import type { HookName } from '../config/types.js';

/** What a hook reads on stdin, one JSON document. */
export interface HookPayload {
  hook: HookName;
  model: string | null;
  /** The model's instance (one per start), when known. */
  instance: number | null;
  /** The event that fired the hook; null for before_unload, which no event precedes. */
  event: LoadoutEvent | null;
}

/**
 * The hooks each event fires, in order. Every event type must be named (a new one is a compile
 * error here). `before_load` and `before_unload` are not here: the launcher runs them, awaited.
 */
const HOOKS_BY_EVENT: { [T in EventType]: (e: LoadoutEventOf<T>) => HookName[] } = {
  model_starting: () => [],
  model_ready: () => ['after_ready'],
  model_evicted: () => ['on_evicted'],
  model_stopped: (e) => (e.reason === 'exited' ? ['after_unload', 'on_failed'] : ['after_unload']),
  model_failed: () => ['on_failed'],
  load_refused: () => [],
  model_pinned: () => [],
  model_unpinned: () => [],
  config_reloaded: () => [],
  config_invalid: () => [],
  config_warning: () => [],
  settings_changed: () => [],
  orphans_reaped: () => [],
};

/** The hooks an event fires, in order (pure). */
export function hooksForEvent(e: LoadoutEvent): HookName[] {
  return (HOOKS_BY_EVENT[e.type] as (e: LoadoutEvent) => HookName[])(e);
}

/** The instance number an event carries, if any. */
export function instanceOf(e: LoadoutEvent): number | null {
  const data = e.data as { instance?: unknown };
  return typeof data.instance === 'number' ? data.instance : null;
}
