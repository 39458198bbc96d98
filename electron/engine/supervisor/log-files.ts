import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LogLine } from '../../../shared/commands.js';
import { silentLogger, type Logger } from '../platform/logger.js';

export interface LogFilesOptions {
  /** `state_dir/logs`. */
  dir: string;
  /** A model's current file is rotated to `.1` before it would grow past this. */
  maxBytes?: number;
  /** Rotated files kept per model (`.1` … `.keep`); older ones are deleted. */
  keep?: number;
  logger?: Logger;
}

export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 3;

/** One model's file: lines waiting to be written, the size on disk, and whether a write is running. */
interface Writer {
  file: string;
  pending: string[];
  pendingBytes: number;
  dropped: number;
  size: number | null;
  running: Promise<void> | null;
  /** Ends the batching pause of a pending write at once (flush). */
  kick: (() => void) | null;
}

/**
 * Lines are gathered this long before a write: a backend that logs a line per request (llama-server
 * does) would otherwise cost an open, append and close on every request it serves.
 */
const BATCH_MS = 50;

/** The file name for a model: names may hold characters a file name must not. */
export function logFileName(model: string): string {
  return `${model.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')}.log`;
}

/** The text of one line on disk: ISO time, stream, text. */
export function formatLogLine(line: LogLine): string {
  return `${line.at} ${line.stream === 'stderr' ? 'err' : 'out'} ${line.text}\n`;
}

/**
 * Backend output on disk, per model, bounded and rotated (`<model>.log`, `.1` … `.keep`), next to the
 * in-memory ring of LogStore. Lines are queued and appended in batches (gathered for BATCH_MS) by one async write per model,
 * so a backend flooding its output never waits on the disk; when the disk falls behind by more than
 * the files could hold, the oldest queued lines are dropped and the gap is written down.
 */
export class LogFiles {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly logger: Logger;
  private readonly writers = new Map<string, Writer>();
  private dirReady: Promise<unknown> | null = null;

  constructor(opts: LogFilesOptions) {
    this.dir = opts.dir;
    // At least 64 KiB: a line is cut at MAX_LINE_CHARS, so one line always fits in a file.
    this.maxBytes = Math.max(64 * 1024, Math.floor(opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES));
    this.keep = Math.max(1, Math.floor(opts.keep ?? DEFAULT_LOG_KEEP));
    this.logger = opts.logger ?? silentLogger;
  }

  /** The path of a model's current log file. */
  fileFor(model: string): string {
    return path.join(this.dir, logFileName(model));
  }

  /** A separator line: each start of a model is told apart in its file. */
  started(model: string, instance: number, pid: number, at: string): void {
    this.enqueue(model, `── instance ${instance} started ${at} (pid ${pid}) ──\n`);
  }

  line(model: string, line: LogLine): void {
    this.enqueue(model, formatLogLine(line));
  }

  /** Resolves once everything queued so far is on disk. */
  async flush(): Promise<void> {
    for (;;) {
      for (const w of this.writers.values()) w.kick?.();
      const running = [...this.writers.values()].map((w) => w.running).filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  private enqueue(model: string, text: string): void {
    let w = this.writers.get(model);
    if (!w) this.writers.set(model, (w = { file: this.fileFor(model), pending: [], pendingBytes: 0, dropped: 0, size: null, running: null, kick: null }));
    w.pending.push(text);
    w.pendingBytes += Buffer.byteLength(text);
    // More than the files can hold would be rotated away anyway: drop the oldest half, note the gap.
    if (w.pendingBytes > this.maxBytes * (this.keep + 1)) {
      const drop = Math.ceil(w.pending.length / 2);
      for (const t of w.pending.splice(0, drop)) w.pendingBytes -= Buffer.byteLength(t);
      w.dropped += drop;
    }
    if (!w.running) w.running = this.drain(w);
  }

  private async drain(w: Writer): Promise<void> {
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => w.kick?.(), BATCH_MS);
        timer.unref();
        w.kick = () => {
          clearTimeout(timer);
          w.kick = null;
          resolve();
        };
      });
      this.dirReady ??= mkdir(this.dir, { recursive: true });
      await this.dirReady;
      w.size ??= await stat(w.file).then((s) => s.size, () => 0);
      while (w.pending.length > 0) {
        const batch = w.pending.splice(0);
        w.pendingBytes = 0;
        if (w.dropped > 0) batch.unshift(`── ${w.dropped} line(s) not written: the disk fell behind ──\n`);
        w.dropped = 0;
        await this.write(w, batch);
      }
    } catch (err) {
      // The in-memory ring still has the lines; a disk problem must not stop the backend.
      this.logger.warn('could not write the backend log file', { file: w.file, error: String(err) });
      w.pending = [];
      w.pendingBytes = 0;
      w.size = null;
    } finally {
      w.running = null;
    }
  }

  /** Appends a batch, rotating first whenever the next line would take the file past maxBytes. */
  private async write(w: Writer, batch: string[]): Promise<void> {
    let chunk = '';
    let chunkBytes = 0;
    for (const text of batch) {
      const bytes = Buffer.byteLength(text);
      if (w.size! + chunkBytes + bytes > this.maxBytes && w.size! + chunkBytes > 0) {
        if (chunk) await appendFile(w.file, chunk);
        await this.rotate(w.file);
        w.size = 0;
        chunk = '';
        chunkBytes = 0;
      }
      chunk += text;
      chunkBytes += bytes;
    }
    if (chunk) await appendFile(w.file, chunk);
    w.size! += chunkBytes;
  }

  private async rotate(file: string): Promise<void> {
    await rm(`${file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      await rename(`${file}.${i}`, `${file}.${i + 1}`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    await rename(file, `${file}.1`);
  }
}
