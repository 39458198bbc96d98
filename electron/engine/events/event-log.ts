import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadoutEvent, NewEvent } from '../../../shared/events.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';

const KEEP_IN_MEMORY = 10_000;
const COMPACT_AT_BYTES = 8 * 1024 * 1024;

/**
 * The numbered event log of CONTRACT §5: `seq` increases by one per event, never repeats, and survives
 * restarts. Persisted as JSON lines in `<stateDir>/events.jsonl`; the newest 10,000 stay in memory for
 * queries. Appends are synchronous: events are rare (state changes, not requests) and a crash must not
 * lose the explanation of what happened just before it.
 */
export class EventLog {
  private readonly file: string | null;
  private events: LoadoutEvent[] = [];
  private seq = 0;
  private readonly listeners = new Set<(e: LoadoutEvent) => void>();

  constructor(
    stateDir: string | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.file = stateDir ? join(stateDir, 'events.jsonl') : null;
    if (this.file) this.restore(this.file);
  }

  get lastSeq(): number {
    return this.seq;
  }

  append(e: NewEvent): LoadoutEvent {
    const event = { ...e, seq: ++this.seq, at: new Date(this.clock.now()).toISOString() } as LoadoutEvent;
    this.events.push(event);
    if (this.events.length > KEEP_IN_MEMORY * 1.2) this.events = this.events.slice(-KEEP_IN_MEMORY);
    if (this.file) this.persist(this.file, event);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.logger.error('event listener failed', { err: String(err) });
      }
    }
    return event;
  }

  /** Events with `seq > after`, oldest first. */
  list(after = 0, limit = 1000): LoadoutEvent[] {
    const start = lowerBound(this.events, after);
    return this.events.slice(start, start + limit);
  }

  /** The newest `n`, oldest first. */
  latest(n: number): LoadoutEvent[] {
    return this.events.slice(-n);
  }

  subscribe(listener: (e: LoadoutEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private restore(file: string): void {
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as LoadoutEvent;
        if (typeof e.seq === 'number' && e.seq > this.seq) {
          this.events.push(e);
          this.seq = e.seq;
        }
      } catch {
        // A torn last line after a crash: skip it, the numbering continues from the last whole event.
        this.logger.warn('skipped an unreadable event line', { file });
      }
    }
    this.events = this.events.slice(-KEEP_IN_MEMORY);
  }

  private persist(file: string, event: LoadoutEvent): void {
    try {
      appendFileSync(file, JSON.stringify(event) + '\n');
      if (event.seq % 500 === 0 && statSync(file).size > COMPACT_AT_BYTES) this.compact(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        mkdirSync(join(file, '..'), { recursive: true });
        appendFileSync(file, JSON.stringify(event) + '\n');
        return;
      }
      this.logger.error('could not persist event', { err: String(err) });
    }
  }

  /** Keeps the file bounded: rewrite the newest events atomically (temp file + rename). */
  private compact(file: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    renameSync(tmp, file);
  }
}

function lowerBound(events: LoadoutEvent[], after: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.seq <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
