import type { ModelError } from '../../shared/model-view.js';
import type { ModelConfig } from './config/types.js';
import type { Instance } from './loader/instance.js';

/**
 * Everything the engine knows about one configured model: its config, the current instance (if any),
 * the shared promise of a load in progress (singleflight) and the last failure.
 */
export class ModelSlot {
  instance: Instance | null = null;
  /** The load in progress: every caller awaits the same promise (CONTRACT §4 rule 5). */
  pending: Promise<Instance> | null = null;
  /** True from the moment admission reserved room until the instance exists: counts as starting. */
  reserved = false;
  lastError: ModelError | null = null;
  /** Set when the model was removed from the config while running; the slot goes once it stops. */
  removed = false;
  /** Set by an unload that arrives while the load is still waiting for room: the load gives up. */
  cancelLoad = false;

  constructor(public config: ModelConfig) {}

  get name(): string {
    return this.config.name;
  }

  /** The instance if it is starting or ready (not stopping or stopped). */
  get live(): Instance | null {
    const i = this.instance;
    return i && (i.state === 'starting' || i.state === 'ready') ? i : null;
  }
}
