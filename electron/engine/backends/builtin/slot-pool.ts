/**
 * A fixed set of slots (llama-server's `-np`): a request takes a free one or waits in arrival
 * order; an aborted wait leaves the queue.
 */
export class SlotPool<T> {
  private readonly free: T[];
  private readonly waiting: { take: (slot: T) => void; signal: AbortSignal; onAbort: () => void }[] = [];

  constructor(slots: readonly T[]) {
    this.free = [...slots];
  }

  get idle(): number {
    return this.free.length;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a slot; rejects with the signal's reason when it aborts first. */
  acquire(signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve, reject) => {
      const waiter = {
        take: resolve,
        signal,
        onAbort: () => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(signal.reason as Error);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(slot: T): void {
    const next = this.waiting.shift();
    if (!next) {
      this.free.push(slot);
      return;
    }
    next.signal.removeEventListener('abort', next.onAbort);
    next.take(slot);
  }

  /** Runs `fn` on a slot and gives the slot back however `fn` ends. */
  async use<R>(signal: AbortSignal, fn: (slot: T) => Promise<R>): Promise<R> {
    const slot = await this.acquire(signal);
    try {
      return await fn(slot);
    } finally {
      this.release(slot);
    }
  }
}
