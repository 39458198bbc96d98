import type { Clock, Timer } from '../platform/clock.js';

/**
 * Calls `fire(key)` at most once per `intervalMs` per key: the first request fires at once, later ones
 * within the interval are folded into one call at its end. Load progress reaches the faces through it
 * (at most 4 pushes a second per model, however chatty the backend).
 */
export class KeyedThrottle<K> {
  private readonly last = new Map<K, number>();
  private readonly timers = new Map<K, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly fire: (key: K) => void,
  ) {}

  request(key: K): void {
    if (this.timers.has(key)) return; // a call is already due; it will carry this change too
    const wait = (this.last.get(key) ?? -Infinity) + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.run(key);
    this.timers.set(key, this.clock.setTimeout(() => this.run(key), wait));
  }

  dispose(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.last.clear();
  }

  private run(key: K): void {
    this.timers.delete(key);
    this.last.set(key, this.clock.now());
    this.fire(key);
  }
}
