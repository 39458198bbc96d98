import type { ModelView } from '../../shared/model-view.js';
import type { Push } from '../../shared/push.js';
import type { Logger } from './platform/logger.js';

/**
 * Fans pushes out to the faces (HTTP streams, IPC, tray). Model views are coalesced: a burst of
 * requests on a model produces one `model` push per turn of the event loop, built when it is sent.
 */
export class PushBus<K> {
  private readonly listeners = new Set<(p: Push) => void>();
  private readonly dirty = new Set<K>();
  private scheduled = false;

  constructor(
    private readonly viewOf: (key: K) => ModelView | null,
    private readonly logger: Logger,
  ) {}

  subscribe(listener: (p: Push) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(p: Push): void {
    for (const l of this.listeners) {
      try {
        l(p);
      } catch (err) {
        this.logger.error('push listener failed', { err: String(err) });
      }
    }
  }

  /** Schedules a `model` push for `key`. */
  changed(key: K): void {
    // Nobody listening (a headless server with no dashboard open): no push to build, and no extra
    // turn of the event loop on every request.
    if (this.listeners.size === 0) return;
    this.dirty.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const keys = [...this.dirty];
      this.dirty.clear();
      if (this.listeners.size === 0) return;
      for (const k of keys) {
        const model = this.viewOf(k);
        if (model) this.emit({ type: 'model', model });
      }
    });
  }
}
