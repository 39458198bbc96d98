import type { Socket } from 'node:net';
import { MAX_V1_BODY } from '../respond.js';
import { parseRequestHead, type RequestHead } from './request-head.js';

/** The fast path's side of a client connection's requests. */
export interface FastHandler {
  /**
   * Takes a complete request and serves it on `conn` (ending with `conn.finish`), or returns false
   * before doing anything, to leave it, and the connection, to node:http.
   */
  take(head: RequestHead, body: Buffer, conn: ClientConnection): boolean;
}

/** How long a request may take to arrive, as node:http's `headersTimeout` and `requestTimeout`. */
export interface ReadLimits {
  /** From its first byte to the end of its head. */
  readonly headersTimeout: number;
  /** From its first byte to the end of its body. */
  readonly requestTimeout: number;
}

export interface ConnectionOwner {
  readonly handler: FastHandler;
  /** The node:http server's own limits, so that both paths give a request the same time. */
  readonly limits: ReadLimits;
  /** node:http takes the connection from here on; `bytes` are what was read and not yet served. */
  handOver(conn: ClientConnection, bytes: Buffer | null): void;
  closed(conn: ClientConnection): void;
}

/** node:http's keep-alive wait (Loadout's listeners use 65 s). */
export const KEEP_ALIVE_MS = 65_000;
const EMPTY = Buffer.alloc(0);
/** Pipelined bytes kept while an answer is in progress before reading pauses. */
const MAX_AHEAD = 1024 * 1024;

/**
 * One client connection on the fast path: reads request heads and bodies, gives each complete
 * request to the handler one at a time (pipelined ones wait), and leaves the connection to node:http
 * at the first request that the fast path does not serve.
 */
export class ClientConnection {
  /** The client closed the connection (or it failed). */
  gone = false;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private busy = false;
  private closeAfter = false;
  private onGone: (() => void) | null = null;
  private left = false;
  /** What the request being read needs in all (head and body), once its head is read: reads until then are only kept. */
  private wanted = 0;
  /** When the request being read was first found incomplete (0: none is waited for). */
  private waitingSince = 0;
  private readTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly socket: Socket,
    private readonly owner: ConnectionOwner,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.setTimeout(KEEP_ALIVE_MS, this.onTimeout);
  }

  /** The connection closes after the current answer (the client asked so). */
  get closing(): boolean {
    return this.closeAfter;
  }

  /** This answer ends with the connection (it is close-delimited). */
  closeAfterThis(): void {
    this.closeAfter = true;
  }

  /** Called once if the client goes away before the current request's answer is finished. */
  whenGone(fn: () => void): void {
    this.onGone = fn;
  }

  /** Part of the current answer; false when the client is not taking it as fast (wait for 'drain'). */
  write(bytes: Buffer | string): boolean {
    return this.gone ? true : this.socket.write(bytes);
  }

  /**
   * The current answer's last bytes. `done` learns whether they were handed to the client (the request
   * is in flight until then). Then the next request, if one waits, is read.
   */
  finish(last: Buffer | string | null, done?: (ok: boolean) => void): void {
    this.onGone = null;
    const { socket } = this;
    this.busy = false;
    if (this.gone || socket.destroyed) return done?.(false);
    if (last !== null && last.length > 0) socket.write(last);
    // Written through to the kernel (the usual case): done now. Else once what is queued has left.
    if (done && socket.writableLength === 0) done(true);
    else if (done) socket.write(EMPTY, (err) => done(!err));
    if (this.closeAfter) {
      socket.end();
      return;
    }
    if (socket.isPaused()) socket.resume();
    if (this.buffered > 0) setImmediate(this.next);
  }

  /** The connection cannot carry another answer (the current one could not be finished). */
  destroy(): void {
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.busy) {
      if (this.buffered > MAX_AHEAD) this.socket.pause();
    } else if (this.buffered >= this.wanted) this.next();
  };

  private readonly next = (): void => {
    if (this.busy || this.left || this.gone || this.buffered === 0) return;
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [buf];
    const head = parseRequestHead(buf);
    if (head === null) return this.waitForRest();
    // A client that expects `100 Continue` sends its body only after it: node:http answers that.
    if (head === 'other' || head.contentLength > MAX_V1_BODY || head.headers.expect !== undefined) return this.leave(buf);
    const end = head.size + Math.max(0, head.contentLength);
    this.wanted = end;
    if (buf.length < end) return this.waitForRest();
    this.wanted = 0;
    this.stopWaiting();
    const rest = buf.subarray(end);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    this.busy = true;
    this.closeAfter = head.close;
    if (!this.owner.handler.take(head, buf.subarray(head.size, end), this)) {
      this.busy = false;
      this.leave(buf);
    }
  };

  /**
   * The request being read is not all here: it gets node:http's time (head, then whole request) from
   * the moment it was first found incomplete, which a client trickling bytes cannot stretch. A
   * request that arrives in one read never sets a timer.
   */
  private waitForRest(): void {
    if (this.readTimer) return;
    this.waitingSince ||= Date.now();
    this.readTimer = setTimeout(this.onReadTimeout, this.readTimeLeft());
  }

  private readTimeLeft(): number {
    const { headersTimeout, requestTimeout } = this.owner.limits;
    return Math.max(0, this.waitingSince + (this.wanted > 0 ? requestTimeout : headersTimeout) - Date.now());
  }

  private stopWaiting(): void {
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
    this.waitingSince = 0;
  }

  /** Out of time: answered as node:http answers it (408), and the connection is closed. */
  private readonly onReadTimeout = (): void => {
    this.readTimer = null;
    if (this.busy || this.left || this.gone || this.waitingSince === 0) return;
    const left = this.readTimeLeft();
    if (left > 0) {
      this.readTimer = setTimeout(this.onReadTimeout, left); // the head came: the whole request's time now
      return;
    }
    this.left = true;
    this.chunks = [];
    this.buffered = 0;
    const { socket } = this;
    socket.off('data', this.onData); // what still comes is dropped
    socket.end('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n', () => socket.destroy());
  };

  private leave(bytes: Buffer): void {
    this.stopWaiting();
    this.left = true;
    const { socket } = this;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    socket.setTimeout(0);
    this.chunks = [];
    this.buffered = 0;
    this.owner.handOver(this, bytes);
  }

  /** A client that stops sending mid-answer is treated as gone (the answer could not be read anyway). */
  private readonly onEnd = (): void => {
    if (this.busy) this.socket.destroy();
    else this.socket.end();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.stopWaiting();
    this.gone = true;
    this.owner.closed(this);
    const fn = this.onGone;
    this.onGone = null;
    fn?.();
  };

  private readonly onTimeout = (): void => {
    if (!this.busy) this.socket.destroy();
  };
}
