import type { Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import type { WatchdogSettings } from './config/types.js';
import type { EventLog } from './events/event-log.js';
import type { ModelSlot } from './model-slot.js';
import type { Signal } from './signal.js';
import type { MemoryOracle } from './gpu/memory-oracle.js';
import type { LoadTimes } from './progress/load-times.js';

/** What the loader, the unloader and the watchdog share: the slots and the ways to report on them. */
export interface EngineContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventLog;
  /** Fired whenever a request ends or an instance stops: admission and graceful stops wait on it. */
  readonly changed: Signal;
  readonly slots: Map<string, ModelSlot>;
  settings(): WatchdogSettings;
  /** A slot's view changed: push it (coalesced). */
  notify(slot: ModelSlot): void;
  /** The last lines a backend instance wrote, for error messages and events. */
  logTail(model: string, instance: number, n: number): string[];
  /** Measured memory of a model's backend, when GPU data exists. */
  vramOf(model: string): number | null;
  /** GPU memory knowledge, once a sampler is attached. */
  memory(): MemoryOracle | null;
  /** Past load durations (the ETA of the next load); null where none are kept. */
  readonly loadTimes: LoadTimes | null;
}
