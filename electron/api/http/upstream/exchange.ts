import { BodyFramer } from './body-framer.js';
import { parseResponseHead, type ResponseHead } from './response-head.js';
import type { UpstreamConnection, UpstreamPool } from './upstream-pool.js';

/** No response headers within the model's `response_timeout`: the backend is then probed. */
export class UpstreamTimeout extends Error {}

/** One request as the backend gets it: the path (query included) and the header lines to pass on. */
export interface UpstreamRequest {
  method: string;
  path: string;
  /** `name: value\r\n` lines, already filtered (see forwardedHeaderBlock). */
  headerBlock: string;
  body: Buffer;
  responseTimeoutMs: number | null;
}

/** Where an answer goes as it arrives; every callback runs at most in this order, `end` or `error` last. */
export interface ExchangeHandler {
  /** The backend's final response head (1xx heads are skipped). */
  head(head: ResponseHead): void;
  /** Where a piece of the body's payload lies in `buf` (chunk framing excluded). */
  data(buf: Buffer, start: number, end: number): void;
  /**
   * The end of one read: its body bytes exactly as the backend framed them (for a sink that passes
   * them on; empty when the read held only the head). Called after that read's `data` pieces.
   * `withHead`: in the read that brought the head, the same bytes with the head's in front.
   */
  framed(bytes: Buffer, last: boolean, withHead: Buffer | null): void;
  /** The answer is complete (after its last `framed`), or ended with the connection (close-delimited). */
  end(): void;
  /** `answered`: the head had arrived. Before it, the request may be tried again. */
  error(err: Error, answered: boolean): void;
}

/**
 * One request and its answer on a pooled keep-alive connection: the request leaves in one write, the
 * answer is handed on read by read with only its head parsed. A reused connection that the backend
 * closed before answering (its keep-alive ran out as the request left) is replaced once, transparently.
 */
export class Exchange {
  private conn: UpstreamConnection | null = null;
  private pending: Buffer | null = null;
  private head: ResponseHead | null = null;
  private framer: BodyFramer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;
  private replaced = false;
  /** The connection had served an answer before this request. */
  private reused = false;
  private readonly onPiece: (buf: Buffer, start: number, end: number) => void;

  constructor(
    private readonly pool: UpstreamPool,
    private readonly req: UpstreamRequest,
    private readonly handler: ExchangeHandler,
  ) {
    this.onPiece = (buf, start, end) => handler.data(buf, start, end);
  }

  start(conn: UpstreamConnection): void {
    this.conn = conn;
    this.reused = conn.uses > 0;
    conn.current = this;
    const { req } = this;
    const head = `${req.method} ${req.path} HTTP/1.1\r\nhost: 127.0.0.1:${this.pool.port}\r\n${req.headerBlock}content-length: ${req.body.length}\r\n\r\n`;
    conn.send(head, req.body);
    if (req.responseTimeoutMs && !this.timer) this.timer = setTimeout(this.onTimeout, req.responseTimeoutMs);
  }

  /** The answer is chunked and no chunk is half relayed (see BodyFramer.betweenChunks). */
  get betweenChunks(): boolean {
    return this.framer?.betweenChunks ?? false;
  }

  /** The handler holds on to the bytes of the current read (see UpstreamConnection.keep). */
  keepBytes(): void {
    this.conn?.keep();
  }

  /** Stops reading the answer (the client cannot take more yet). */
  pause(): void {
    this.conn?.socket.pause();
  }

  resume(): void {
    this.conn?.socket.resume();
  }

  /** The client went away: the connection is closed (its answer cannot be finished), nothing more is called. */
  abort(): void {
    if (this.finished) return;
    this.release()?.destroy();
  }

  /** Bytes from the backend: valid until the next read unless the handler calls keepBytes(). */
  onData(chunk: Buffer): void {
    if (this.finished) return;
    try {
      let buf = chunk;
      /** This read's bytes from the start of the answer's head, when the head came in it. */
      let fromHead: Buffer | null = null;
      while (!this.head) {
        const joined = this.pending !== null;
        buf = joined ? Buffer.concat([this.pending!, buf]) : buf;
        const head = parseResponseHead(buf);
        if (!head) {
          this.pending = joined ? buf : Buffer.from(buf); // the read buffer is reused
          return;
        }
        this.pending = null;
        fromHead = buf;
        buf = buf.subarray(head.size);
        if (head.status >= 200) {
          this.clearTimer();
          this.head = head;
          this.framer = new BodyFramer(head);
          this.handler.head(head);
          if (this.finished) return; // the handler aborted
        } else if (buf.length === 0) return;
      }
      const end = this.framer!.feed(buf, 0, this.onPiece);
      const bytes = end < 0 ? buf : buf.subarray(0, end);
      this.handler.framed(bytes, end >= 0, fromHead && fromHead.subarray(0, this.head.size + bytes.length));
      if (end >= 0) this.complete(end === buf.length);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)), true);
    }
  }

  /** The connection closed (or failed) while this exchange owned it. */
  onClose(err: Error | null): void {
    if (this.finished) return;
    this.conn = null;
    if (this.head?.framing === 'close') return this.complete(false);
    const untouched = !this.head && this.pending === null;
    if (untouched && this.reused && !this.replaced) {
      this.replaced = true;
      return this.start(this.pool.fresh());
    }
    this.fail(err ?? new Error(this.head ? 'the backend closed the connection before the answer ended' : 'the backend closed the connection without answering'), false);
  }

  private complete(reusable: boolean): void {
    const conn = this.release();
    if (conn && reusable && !this.head!.close) this.pool.idle(conn, this.head!.keepAliveMs);
    else conn?.destroy();
    this.handler.end();
  }

  private fail(err: Error, destroy: boolean): void {
    if (this.finished) return;
    const conn = this.release();
    if (destroy) conn?.destroy();
    this.handler.error(err, this.head !== null);
  }

  /** Ends the exchange: no timer, and the connection it held (if any) handed back to the caller to keep or close. */
  private release(): UpstreamConnection | null {
    this.finished = true;
    this.clearTimer();
    const conn = this.conn;
    this.conn = null;
    if (conn) conn.current = null;
    return conn;
  }

  private readonly onTimeout = (): void => {
    this.timer = null;
    this.fail(new UpstreamTimeout(`no response within response_timeout ${(this.req.responseTimeoutMs ?? 0) / 1000}s`), true);
  };

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
