/**
 * An immutable, capped, append-only list with O(1) amortized append.
 *
 * Copying a 10,000-entry array for every pushed event would make a burst of events quadratic. Instead
 * each version is a window [start, end) over a buffer that versions share: appending to the newest
 * version pushes onto the shared buffer (older versions never look past their own `end`, so what they
 * show does not change); appending to an older version copies. Dropping from the front only moves
 * `start`; the buffer is compacted once the dead prefix outgrows the live part, so each entry is copied
 * a bounded number of times. `copies` counts copied entries, which lets tests check the cost.
 */
export interface AppendLog<T> {
  readonly buf: T[];
  readonly start: number;
  readonly end: number;
  readonly copies: number;
}

export function emptyLog<T>(): AppendLog<T> {
  return { buf: [], start: 0, end: 0, copies: 0 };
}

export function logSize(log: AppendLog<unknown>): number {
  return log.end - log.start;
}

/** The i-th entry, oldest first. */
export function logAt<T>(log: AppendLog<T>, i: number): T | undefined {
  return i >= 0 && i < log.end - log.start ? log.buf[log.start + i] : undefined;
}

export function logLast<T>(log: AppendLog<T>): T | undefined {
  return logAt(log, logSize(log) - 1);
}

export function logToArray<T>(log: AppendLog<T>): T[] {
  return log.buf.slice(log.start, log.end);
}

export function logFromArray<T>(items: readonly T[], cap: number): AppendLog<T> {
  const buf = items.slice(Math.max(0, items.length - cap));
  return { buf, start: 0, end: buf.length, copies: 0 };
}

function compact<T>(log: AppendLog<T>): AppendLog<T> {
  if (log.start <= Math.max(log.end - log.start, 64)) return log;
  const buf = log.buf.slice(log.start, log.end);
  return { buf, start: 0, end: buf.length, copies: log.copies + buf.length };
}

/** Appends one entry, keeping at most `cap` (the newest). */
export function appendToLog<T>(log: AppendLog<T>, item: T, cap: number): AppendLog<T> {
  let { buf, start, copies } = log;
  if (log.end !== buf.length) {
    // Someone already appended past this version: branch off with a copy.
    buf = buf.slice(start, log.end);
    copies += buf.length;
    start = 0;
  }
  buf.push(item);
  const end = buf.length;
  return compact({ buf, start: Math.max(start, end - cap), end, copies });
}

/** Drops entries from the front while `drop` holds (used to keep a time window). */
export function dropWhile<T>(log: AppendLog<T>, drop: (item: T) => boolean): AppendLog<T> {
  let start = log.start;
  while (start < log.end && drop(log.buf[start] as T)) start++;
  return start === log.start ? log : compact({ ...log, start });
}
