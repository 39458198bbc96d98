import { BadResponse, type ResponseHead } from './response-head.js';

const enum State {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

/** A chunk-size line, chunk extensions allowed (RFC 9112 §7.1). */
const SIZE_LINE = /^([0-9a-fA-F]{1,15})[ \t]*(?:;.*)?$/;
const MAX_LINE = 4096;

/**
 * Finds where a response body ends and which of its bytes are payload, as the bytes arrive, without
 * copying them: content-length bodies are counted, chunked ones walked chunk by chunk, close-delimited
 * ones run until the connection ends. Lines cut between two reads are carried over (they are short).
 */
export class BodyFramer {
  private state: State;
  private left: number;
  private line = '';

  constructor(private readonly head: ResponseHead) {
    this.state = head.framing === 'none' || (head.framing === 'length' && head.contentLength === 0) ? State.Done : head.framing === 'chunked' ? State.Size : State.Data;
    this.left = head.framing === 'length' ? head.contentLength : Infinity;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** A chunked body cut here could still be ended cleanly (no chunk is half sent). */
  get betweenChunks(): boolean {
    return this.state === State.Size && this.line === '';
  }

  /**
   * Reads `buf` from `from`: `data` gets the place of each piece of payload in `buf` (no copy, no new
   * Buffer: a sink that only passes bytes on need not make any). Returns the index just past the body's
   * last byte, or -1 while it goes on.
   */
  feed(buf: Buffer, from: number, data: (buf: Buffer, start: number, end: number) => void): number {
    let i = from;
    const n = buf.length;
    while (i < n || this.state === State.Done) {
      const state = this.state;
      if (state === State.Done) return i;
      if (state === State.Data) {
        const take = Math.min(this.left, n - i);
        if (take > 0) data(buf, i, i + take);
        i += take;
        this.left -= take;
        if (this.left === 0) this.state = this.head.framing === 'chunked' ? State.DataEnd : State.Done;
        continue;
      }
      // The usual lines, read in place: the CRLF after a chunk, a bare `hex CRLF` size line.
      if (this.line === '') {
        if (state === State.DataEnd && i + 1 < n && buf[i] === 0x0d && buf[i + 1] === 0x0a) {
          i += 2;
          this.state = State.Size;
          continue;
        }
        const next = state === State.Size ? this.sizeInPlace(buf, i, n) : -1;
        if (next >= 0) {
          i = next;
          continue;
        }
      }
      // Any other line (cut between two reads, with chunk extensions, trailers), as text.
      const nl = buf.indexOf(10, i);
      if (nl < 0) {
        this.line += buf.toString('latin1', i, n);
        if (this.line.length > MAX_LINE) throw new BadResponse('a chunk line is too long');
        return -1;
      }
      const line = (this.line + buf.toString('latin1', i, nl)).replace(/\r$/, '');
      this.line = '';
      i = nl + 1;
      this.onLine(line);
    }
    return -1;
  }

  /** A `hex CRLF` size line at `i`: the index after it, or -1 when it is not one whole in this read. */
  private sizeInPlace(buf: Buffer, i: number, n: number): number {
    let size = 0;
    let j = i;
    for (; j < n && j - i < 15; j++) {
      const c = buf[j]!;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (digit < 0) break;
      size = size * 16 + digit;
    }
    if (j === i || j + 1 >= n || buf[j] !== 0x0d || buf[j + 1] !== 0x0a) return -1;
    this.left = size;
    this.state = size === 0 ? State.Trailer : State.Data;
    return j + 2;
  }

  private onLine(line: string): void {
    if (this.state === State.DataEnd) {
      if (line !== '') throw new BadResponse('a chunk is longer than its size line says');
      this.state = State.Size;
    } else if (this.state === State.Size) {
      const m = SIZE_LINE.exec(line);
      if (!m) throw new BadResponse(`bad chunk size line: ${JSON.stringify(line.slice(0, 40))}`);
      this.left = parseInt(m[1]!, 16);
      this.state = this.left === 0 ? State.Trailer : State.Data;
    } else if (line === '') {
      this.state = State.Done; // the blank line after the last chunk (and any trailers)
    }
  }
}
