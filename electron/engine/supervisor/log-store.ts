import type { LogLine } from '../../../shared/commands.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { silentLogger, type Logger } from '../platform/logger.js';

export interface LogStoreOptions {
  /** Lines kept per model, across all its instances (LocalAI keeps 1000). */
  capacity?: number;
  clock?: Clock;
  /** Where a throwing subscriber is reported. */
  logger?: Logger;
  /** Also gets every line and each instance start (the log files on disk). */
  sink?: LogSink;
}

/** A second home for the lines, such as LogFiles; called synchronously, so it must only queue. */
export interface LogSink {
  started(model: string, instance: number, pid: number, at: string): void;
  line(model: string, line: LogLine): void;
}

type Stream = LogLine['stream'];

interface Entry {
  instance: number;
  line: LogLine;
}

/** One model's ring buffer: oldest lines are overwritten first. */
interface Ring {
  entries: (Entry | undefined)[];
  start: number;
  size: number;
}

/**
 * A line longer than this is cut: a backend printing a huge blob without a newline must not grow
 * memory without bound. Counted in UTF-16 units, which is close enough to bytes for log text.
 */
export const MAX_LINE_CHARS = 8 * 1024;

/**
 * Backend output per model, as lines. Each instance (one spawn) has its own partial-line state per
 * stream, so interleaved chunks of two processes never glue together. Subscribers are keyed by the
 * bare model name and so also hear instances started after they subscribed (LocalAI's store
 * attached only to buffers existing at subscribe time).
 */
export class LogStore {
  private readonly capacity: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sink: LogSink | null;
  private readonly buffers = new Map<string, Ring>();
  private readonly partials = new Map<string, string>();
  private readonly listeners = new Map<string, Set<(line: LogLine) => void>>();
  private observer: ((model: string, instance: number, line: LogLine) => void) | null = null;

  constructor(opts: LogStoreOptions = {}) {
    this.capacity = opts.capacity && opts.capacity > 0 ? Math.floor(opts.capacity) : 1000;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.sink = opts.sink ?? null;
  }

  /** Marks the start of an instance (its process is spawned) in the sink. */
  started(model: string, instance: number, pid: number): void {
    this.sink?.started(model, instance, pid, new Date(this.clock.now()).toISOString());
  }

  /** Adds raw output; complete lines are stored at once, a trailing partial line waits for its newline. */
  append(model: string, instance: number, stream: Stream, chunk: string): void {
    const key = partialKey(model, instance, stream);
    const pending = (this.partials.get(key) ?? '') + chunk;
    const parts = pending.split('\n');
    const rest = parts.pop() ?? '';
    for (const text of parts) this.push(model, instance, stream, text);
    if (rest === '') this.partials.delete(key);
    // Keep one char past the cap so the line is still known to be cut when its newline arrives.
    else this.partials.set(key, rest.length > MAX_LINE_CHARS ? rest.slice(0, MAX_LINE_CHARS + 1) : rest);
  }

  /** Stores whatever partial lines an instance left behind (called when its process is gone). */
  flush(model: string, instance: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const key = partialKey(model, instance, stream);
      const rest = this.partials.get(key);
      if (rest === undefined) continue;
      this.partials.delete(key);
      this.push(model, instance, stream, rest);
    }
  }

  /** The last `n` lines of every instance of the model, oldest first. */
  tail(model: string, n = this.capacity): LogLine[] {
    return this.entries(model, n, () => true).map((e) => e.line);
  }

  /** The last `n` lines of one instance as plain text (for error messages). */
  tailInstance(model: string, instance: number, n: number): string[] {
    return this.entries(model, n, (e) => e.instance === instance).map((e) => e.line.text);
  }

  /** The instance's last non-empty line on a stream, or null: "exited: <why>" messages use stderr. */
  lastLine(model: string, instance: number, stream: Stream): string | null {
    const found = this.entries(model, 1, (e) => e.instance === instance && e.line.stream === stream && e.line.text.trim() !== '');
    return found[0]?.line.text ?? null;
  }

  subscribe(model: string, listener: (line: LogLine) => void): () => void {
    let set = this.listeners.get(model);
    if (!set) this.listeners.set(model, (set = new Set()));
    // Wrapped so the same function may subscribe twice and unsubscribe each independently.
    const own = (line: LogLine) => listener(line);
    set.add(own);
    return () => {
      const current = this.listeners.get(model);
      current?.delete(own);
      if (current?.size === 0) this.listeners.delete(model);
    };
  }

  /** Hears every line with the instance that wrote it (the engine reads load progress from them). */
  observe(observer: (model: string, instance: number, line: LogLine) => void): void {
    this.observer = observer;
  }

  models(): string[] {
    return [...this.buffers.keys()].sort();
  }

  /** Empties the model's lines; subscribers stay. */
  clear(model: string): void {
    const buf = this.buffers.get(model);
    if (buf) this.buffers.set(model, emptyBuffer(this.capacity));
    for (const key of [...this.partials.keys()]) if (key.startsWith(model + '\0')) this.partials.delete(key);
  }

  private push(model: string, instance: number, stream: Stream, raw: string): void {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS) + '…';
    const line: LogLine = { at: new Date(this.clock.now()).toISOString(), stream, text };
    let buf = this.buffers.get(model);
    if (!buf) this.buffers.set(model, (buf = emptyBuffer(this.capacity)));
    const at = (buf.start + buf.size) % this.capacity;
    buf.entries[at] = { instance, line };
    if (buf.size < this.capacity) buf.size++;
    else buf.start = (buf.start + 1) % this.capacity;
    this.sink?.line(model, line);
    this.observer?.(model, instance, line);
    this.emit(model, line);
  }

  private emit(model: string, line: LogLine): void {
    const set = this.listeners.get(model);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(line);
      } catch (err) {
        // A broken follower (say, a closed SSE socket) must not starve the others or the backend's pipe.
        this.logger.warn('log subscriber threw', { model, error: String(err) });
      }
    }
  }

  private entries(model: string, n: number, keep: (e: Entry) => boolean): Entry[] {
    const buf = this.buffers.get(model);
    if (!buf || n <= 0) return [];
    const out: Entry[] = [];
    for (let i = buf.size - 1; i >= 0 && out.length < n; i--) {
      const e = buf.entries[(buf.start + i) % this.capacity];
      if (e && keep(e)) out.push(e);
    }
    return out.reverse();
  }
}

function partialKey(model: string, instance: number, stream: Stream): string {
  return `${model}\0${instance}\0${stream}`;
}

function emptyBuffer(capacity: number): Ring {
  return { entries: new Array<Entry | undefined>(capacity), start: 0, size: 0 };
}
