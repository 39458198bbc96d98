import type { ModelError } from '../../shared/model-view.js';
import type { ModelConfig } from './config/types.js';
import type { Cooldown } from './loader/cooldown.js';
import type { Instance } from './loader/instance.js';
import type { Waiter } from './loader/lease.js';

/**
 * Everything the engine knows about one configured model: its config, the current instance (if any),
 * the shared promise of a load in progress (singleflight) and the last failure.
 */
export class ModelSlot {
  instance: Instance | null = null;
  /** The model's owner loop while anyone waits for it (one per model: CONTRACT §4 rule 5). */
  pending: Promise<void> | null = null;
  /** Requests and loads waiting for the next ready instance; granted in the same step as ready. */
  waiters: Waiter[] = [];
  /** While this model's load waits for room: since when, and which models hold it up (turns read it). */
  contention: { since: number; blockedBy: string[] } | null = null;
  /** After a failed start: requests are refused until it ends. */
  cooldown: Cooldown | null = null;
  /** True from the moment admission reserved room until the instance exists: counts as starting. */
  reserved = false;
  lastError: ModelError | null = null;
  /** Set when the model was removed from the config while running; the slot goes once it stops. */
  removed = false;
  /** Set by an unload that arrives while the load is still waiting for room: the load gives up. */
  cancelLoad = false;
  /** When the owner loop began the load in progress (waiting for room included); null when none. */
  loadSince: number | null = null;

  constructor(public config: ModelConfig) {}

  get name(): string {
    return this.config.name;
  }

  /** The instance if it is starting or ready (not stopping or stopped). */
  /** Requests waiting (not loads). */
  get queued(): number {
    let n = 0;
    for (const w of this.waiters) if (w.lease) n++;
    return n;
  }

  get live(): Instance | null {
    const i = this.instance;
    return i && (i.state === 'starting' || i.state === 'ready') ? i : null;
  }
}
