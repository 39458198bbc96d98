import type { BackendHandle, ExitInfo } from './launcher.js';

export type InstanceState = 'starting' | 'ready' | 'stopping' | 'stopped';

/**
 * One start of a model: its own pid, port and counters (ARCHITECTURE principle 6). Every timer and
 * decision names an instance id, so nothing aimed at an old start can touch a new one.
 */
export class Instance {
  state: InstanceState = 'starting';
  loadedAt: number | null = null;
  lastUsedAt: number;
  /** End of the last request, or the moment it became ready. */
  idleSince: number;
  /** Start times of requests in flight, by lease id: busy-since is the oldest of them. */
  private readonly active = new Map<number, number>();
  private nextLease = 0;
  /** Set once a stop has begun; every unload path shares it. */
  stopping: Promise<ExitInfo> | null = null;
  exit: ExitInfo | null = null;
  /** Set when a graceful stop waiting for requests is overtaken by a forced stop or shutdown. */
  skipIdleWait = false;
  /** Why requests still in flight were cut (drain_timeout, unhealthy), for their error message. */
  cutReason: string | null = null;
  /** Failed health probes in a row (the watchdog's health check). */
  healthFailures = 0;
  lastProbeAt = 0;
  probing = false;
  /** Stopped because it stopped answering: a request cut by it may be retried once. */
  recycled = false;
  /** While starting: how far the backend says its model load has come (0..1), null when it does not say. */
  progress: number | null = null;
  /** Unloaded while it was starting: its waiters are told the load was cancelled. */
  cancelled = false;

  constructor(
    readonly model: string,
    readonly id: number,
    readonly backend: BackendHandle,
    readonly startedAt: number,
  ) {
    this.lastUsedAt = startedAt;
    this.idleSince = startedAt;
  }

  get pid(): number | null {
    return this.backend.pid;
  }

  get port(): number {
    return this.backend.port;
  }

  get inflight(): number {
    return this.active.size;
  }

  get busySince(): number | null {
    let oldest: number | null = null;
    for (const t of this.active.values()) if (oldest === null || t < oldest) oldest = t;
    return oldest;
  }

  /**
   * Counts a request in flight; the returned function ends it (idempotent: true only the first time).
   * A failed request leaves the idle clock where it was, so a broken backend still times out.
   */
  begin(now: number): (endedAt: number, ok?: boolean) => boolean {
    const lease = ++this.nextLease;
    this.active.set(lease, now);
    this.lastUsedAt = now;
    return (endedAt: number, ok = true) => {
      if (!this.active.delete(lease)) return false;
      if (ok) this.lastUsedAt = endedAt;
      if (this.active.size === 0 && ok) this.idleSince = endedAt;
      return true;
    };
  }

  touch(now: number): void {
    this.lastUsedAt = now;
    if (this.active.size === 0) this.idleSince = now;
  }
}
