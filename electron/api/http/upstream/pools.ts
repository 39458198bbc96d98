import type { Instance } from '../../../engine/loader/instance.js';
import { UpstreamPool } from './upstream-pool.js';

/** One connection pool per running instance, dropped (every connection closed) when its process exits. */
export class UpstreamPools {
  private readonly pools = new Map<Instance, UpstreamPool>();

  of(inst: Instance): UpstreamPool {
    const pool = this.pools.get(inst);
    if (pool) return pool;
    const made = new UpstreamPool(inst.port);
    this.pools.set(inst, made);
    const drop = () => {
      if (this.pools.get(inst) !== made) return;
      this.pools.delete(inst);
      made.destroy();
    };
    if (inst.exit) queueMicrotask(drop);
    else inst.backend.onExit(drop);
    return made;
  }

  close(): void {
    for (const p of this.pools.values()) p.destroy();
    this.pools.clear();
  }
}
