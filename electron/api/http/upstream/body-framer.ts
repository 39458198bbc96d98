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
   * Reads `buf` from `from`: `data` gets each piece of payload (as subarrays of `buf`). Returns the index
   * just past the body's last byte, or -1 while it goes on.
   */
  feed(buf: Buffer, from: number, data: (piece: Buffer) => void): number {
    let i = from;
    const n = buf.length;
    while (i < n || this.state === State.Done) {
      switch (this.state) {
        case State.Done:
          return i;
        case State.Data: {
          const take = Math.min(this.left, n - i);
          if (take > 0) data(buf.subarray(i, i + take));
          i += take;
          this.left -= take;
          if (this.left === 0) this.state = this.head.framing === 'chunked' ? State.DataEnd : State.Done;
          break;
        }
        case State.DataEnd:
        case State.Size:
        case State.Trailer: {
          const nl = buf.indexOf(10, i);
          const piece = buf.toString('latin1', i, nl < 0 ? n : nl);
          if (nl < 0) {
            this.line += piece;
            if (this.line.length > MAX_LINE) throw new BadResponse('a chunk line is too long');
            return -1;
          }
          i = nl + 1;
          const line = (this.line + piece).replace(/\r$/, '');
          this.line = '';
          this.onLine(line);
          break;
        }
      }
    }
    return -1;
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
