import { Pool } from 'undici';
import type { Instance } from '../../engine/loader/instance.js';

/** A backend that does not accept a connection within this long fails the request (it is then probed). */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * One keep-alive connection pool per running instance (undici, pipelining 1): made on the instance's
 * first request, destroyed when its process exits, so no socket outlives the start it belongs to and
 * a new start on the same port never inherits an old connection.
 */
export class UpstreamPools {
  private readonly pools = new Map<Instance, Pool>();

  of(inst: Instance): Pool {
    let pool = this.pools.get(inst);
    if (pool) return pool;
    pool = new Pool(`http://127.0.0.1:${inst.port}`, {
      connections: 256,
      pipelining: 1,
      connectTimeout: CONNECT_TIMEOUT_MS,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      // Streams may pause for as long as a model thinks; response_timeout covers the wait for headers.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.pools.set(inst, pool);
    const drop = () => {
      if (this.pools.get(inst) !== pool) return;
      this.pools.delete(inst);
      void pool.destroy().catch(() => undefined);
    };
    if (inst.exit) queueMicrotask(drop);
    else inst.backend.onExit(drop);
    return pool;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
  }
}
