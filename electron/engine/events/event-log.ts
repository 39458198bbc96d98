import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadoutEvent, NewEvent } from '../../../shared/events.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { writeJsonSync } from '../platform/write-json-sync.js';

const KEEP_IN_MEMORY = 10_000;
const COMPACT_AT_BYTES = 8 * 1024 * 1024;
/** How every persisted event ends: `…,"seq":N,"at":"…"}` (seq and at are set last, see `append`). */
const SEQ_NEAR_END = /"seq":(\d+),"at":"/g;

/** How many numbers ahead of the last one handed out are reserved on disk (see `reserve`). */
const SEQ_BLOCK = 1000;

/** Logs with a state dir: on process exit their pending events are written and their reservation released. */
const persisted = new Set<EventLog>();
let exitHooked = false;

/** Writes every log's pending events now and releases its reserved numbers (on process exit). */
export function flushEventLogs(): void {
  for (const log of [...persisted]) log.close();
}

/**
 * The numbered event log of CONTRACT §5: `seq` increases by one per event, never repeats, and survives
 * restarts. Persisted as JSON lines in `<stateDir>/events.jsonl`; the newest 10,000 stay in memory for
 * queries. An append numbers the event, keeps it and tells the listeners at once, in order; the file is
 * written at the end of the turn of the event loop (`setImmediate`), all of that turn's events in one
 * ordered write, so that a load's reply does not wait for the disk (events such as `model_ready` are
 * appended in the very step that answers the load). A process that exits (a crash included) writes what
 * is pending on its way out; only a kill in the same turn can lose it. Its numbers are not reused even
 * then: `events.seq` holds a number the log may not go below at its next start, reserved 1,000 ahead
 * (one small write per 1,000 events) and set back to the last number on a clean stop or exit, so a
 * kill leaves a gap in the numbering rather than numbers handed out twice.
 */
export class EventLog {
  private readonly file: string | null;
  private readonly seqFile: string | null;
  private events: LoadoutEvent[] = [];
  private seq = 0;
  /** The highest number `events.seq` allows handing out before the next reservation. */
  private reserved = 0;
  /** A write failed part way (disk full): the next one starts on a fresh line. */
  private tornTail = false;
  private readonly listeners = new Set<(e: LoadoutEvent) => void>();
  /** Appended but not written yet, oldest first. */
  private pending: LoadoutEvent[] = [];

  constructor(
    stateDir: string | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.file = stateDir ? join(stateDir, 'events.jsonl') : null;
    this.seqFile = stateDir ? join(stateDir, 'events.seq') : null;
    if (this.file) this.restore(this.file);
    if (this.seqFile) this.seq = Math.max(this.seq, readReserved(this.seqFile, logger));
  }

  get lastSeq(): number {
    return this.seq;
  }

  append(e: NewEvent): LoadoutEvent {
    const event = { ...e, seq: ++this.seq, at: new Date(this.clock.now()).toISOString() } as LoadoutEvent;
    if (this.seqFile && this.seq > this.reserved) this.reserve(this.seqFile, this.seq + SEQ_BLOCK);
    this.events.push(event);
    if (this.events.length > KEEP_IN_MEMORY * 1.2) this.events = this.events.slice(-KEEP_IN_MEMORY);
    if (this.file) this.queue(event);
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

  /**
   * Reads the persisted events back. A line that does not parse (a crash or a full disk cut it) is
   * skipped, but any sequence number it still shows counts as used, so no number is handed out twice;
   * a cut last line is removed so that the next event starts on a line of its own (issue 8: appending
   * straight after it glued the two together and lost the new event at the next restart).
   */
  private restore(file: string): void {
    if (!existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let e: LoadoutEvent | null = null;
      try {
        e = JSON.parse(line) as LoadoutEvent;
      } catch {
        this.logger.warn('skipped an unreadable event line', { file });
        this.seq = Math.max(this.seq, highestSeqIn(line));
        continue;
      }
      if (typeof e?.seq === 'number' && e.seq > this.seq) {
        this.events.push(e);
        this.seq = e.seq;
      }
    }
    this.events = this.events.slice(-KEEP_IN_MEMORY);
    if (text.length > 0 && !text.endsWith('\n')) this.repairTail(file, text);
  }

  /** A last line without its newline: kept (with one) when it is a whole event, else cut off. */
  private repairTail(file: string, text: string): void {
    const lastLine = text.slice(text.lastIndexOf('\n') + 1);
    let whole = false;
    try {
      JSON.parse(lastLine);
      whole = true;
    } catch {
      // torn: cut below
    }
    if (whole) appendFileSync(file, '\n');
    else truncateSync(file, Buffer.byteLength(text) - Buffer.byteLength(lastLine));
  }

  /** Writes the events appended so far that are not on disk yet (it happens on its own at the end of each turn). */
  flush(): void {
    const batch = this.pending;
    if (batch.length === 0 || !this.file) return;
    this.pending = [];
    this.persist(this.file, batch);
  }

  /** A clean stop: pending events written, and the numbers reserved past the last one given back. */
  close(): void {
    this.flush();
    if (this.seqFile && this.reserved > this.seq) this.reserve(this.seqFile, this.seq);
    persisted.delete(this);
  }

  private queue(event: LoadoutEvent): void {
    this.pending.push(event);
    if (this.pending.length > 1) return;
    setImmediate(() => this.flush());
  }

  /**
   * Sets the number the next start may not go below (never half written). A failure is logged and
   * tried again at the next event: the events themselves still go to the log.
   */
  private reserve(seqFile: string, upTo: number): void {
    try {
      writeJsonSync(seqFile, upTo);
      this.reserved = upTo;
    } catch (err) {
      this.logger.error('could not reserve event numbers', { err: String(err) });
    }
    persisted.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', flushEventLogs);
    }
  }

  private persist(file: string, batch: LoadoutEvent[]): void {
    const text = (this.tornTail ? '\n' : '') + batch.map((e) => JSON.stringify(e) + '\n').join('');
    try {
      this.write(file, text);
      this.tornTail = false;
      const compactDue = batch.some((e) => e.seq % 500 === 0);
      if (compactDue && statSync(file).size > COMPACT_AT_BYTES) this.compact(file);
    } catch (err) {
      // Some bytes may have reached the file: never let the next event continue this line.
      this.tornTail = true;
      this.logger.error('could not persist event', { err: String(err) });
    }
  }

  private write(file: string, line: string): void {
    try {
      appendFileSync(file, line);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(join(file, '..'), { recursive: true });
      appendFileSync(file, line);
    }
  }

  /** Keeps the file bounded: rewrite the newest events atomically (temp file + rename). */
  private compact(file: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    renameSync(tmp, file);
  }
}

/** The number `events.seq` reserves, or 0 (absent, or not a number: the events file alone counts then). */
function readReserved(seqFile: string, logger: Logger): number {
  if (!existsSync(seqFile)) return 0;
  const n = Number(readFileSync(seqFile, 'utf8').trim());
  if (Number.isSafeInteger(n) && n >= 0) return n;
  logger.warn('ignored an unreadable events.seq', { file: seqFile });
  return 0;
}

/** The highest `seq` an unreadable line still shows, or 0. */
function highestSeqIn(line: string): number {
  let max = 0;
  for (const m of line.matchAll(SEQ_NEAR_END)) max = Math.max(max, Number(m[1]));
  return max;
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
