import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter for the request path: increments go to a plain map under one string key (no
 * label hashing or validation per request) and are handed to prom-client when it is scraped.
 */
export class TalliedCounter<L extends string> {
  private readonly counts = new Map<string, { labels: Record<L, string>; value: number }>();
  private readonly names: readonly L[];

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    const counts = this.counts;
    new Counter<L>({
      ...config,
      collect(this: Counter<L>) {
        this.reset();
        for (const c of counts.values()) this.inc(c.labels, c.value);
      },
    });
    this.names = config.labelNames;
  }

  inc(labels: Record<L, string>, value = 1): void {
    let key = '';
    for (const n of this.names) key += `${labels[n]}\u0000`;
    const c = this.counts.get(key);
    if (c) c.value += value;
    else this.counts.set(key, { labels: { ...labels }, value });
  }
}
