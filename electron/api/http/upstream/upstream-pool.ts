import { connect, type Socket } from 'node:net';
import type { Exchange, ExchangeHandler, UpstreamRequest } from './exchange.js';
import { Exchange as ExchangeImpl } from './exchange.js';

/** A backend that does not accept a connection within this long fails the request (it is then probed). */
export const CONNECT_TIMEOUT_MS = 5000;
/** Idle connections are closed after this long, or 1 s before the backend's own `Keep-Alive: timeout`. */
const IDLE_MS = 4000;
const SWEEP_MS = 1000;
/** Bodies up to this size are copied behind the head, so the request is one plain write. */
const ONE_BUFFER_MAX = 64 * 1024;

/**
 * A connection's read buffer starts small (a whole non-streamed answer fits) and grows to the large
 * size at the first read that fills it (a stream, a long answer): a pool of idle connections after a
 * burst holds a few KiB each, not 64.
 */
export const READ_BUFFER_SMALL = 8 * 1024;
export const READ_BUFFER_LARGE = 64 * 1024;

/**
 * One TCP connection to a backend, owned by at most one exchange at a time. Reads land in the
 * connection's own buffer (no new Buffer and no stream machinery per read): the bytes an exchange is
 * given stay valid until the next read, unless it calls `keep()`, which hands it that buffer for good.
 */
export class UpstreamConnection {
  current: Exchange | null = null;
  /** Answers completed on it. */
  uses = 0;
  idleUntil = 0;
  readonly socket: Socket;
  private closed = false;
  private readBuf = Buffer.allocUnsafe(READ_BUFFER_SMALL);
  private kept = false;

  constructor(private readonly pool: UpstreamPool) {
    const socket = connect({
      port: pool.port,
      host: '127.0.0.1',
      noDelay: true,
      onread: { buffer: () => this.readBuf, callback: (n: number, buf: Uint8Array) => this.onRead(buf as Buffer, n) },
    });
    this.socket = socket;
    let failure: Error | null = null;
    socket.on('error', (err) => (failure = err));
    socket.on('close', () => {
      this.closed = true;
      pool.forget(this);
      const ex = this.current;
      this.current = null;
      ex?.onClose(failure);
    });
  }

  /** The last read's bytes are still in use (queued for a client): the next read goes to a new buffer. */
  keep(): void {
    this.kept = true;
  }

  /** The size of the buffer the next read lands in. */
  get readBufferSize(): number {
    return this.readBuf.length;
  }

  // Node asks for the next read's buffer after this returns: a new one once the bytes are kept or filled it.
  private onRead(buf: Buffer, n: number): boolean {
    this.kept = false;
    if (this.current) this.current.onData(buf.subarray(0, n));
    else this.destroy(); // an idle connection has nothing to say
    const grow = n === buf.length && buf.length < READ_BUFFER_LARGE;
    if (this.kept || grow) this.readBuf = Buffer.allocUnsafe(grow ? READ_BUFFER_LARGE : buf.length);
    return true;
  }

  /** The request's head and body leave in one write (one buffer when the body is small, else corked). */
  send(head: string, body: Buffer): void {
    const { socket } = this;
    if (body.length <= ONE_BUFFER_MAX) {
      const out = Buffer.allocUnsafe(head.length + body.length);
      out.write(head, 0, 'latin1');
      body.copy(out, head.length);
      socket.write(out);
      return;
    }
    socket.cork();
    socket.write(head, 'latin1');
    socket.write(body);
    socket.uncork();
  }

  get alive(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Keep-alive connections to one running backend instance, newest idle first. Made on the instance's
 * first request, destroyed when its process exits, so no connection outlives the start it belongs to
 * and a new start on the same port never inherits an old one.
 */
export class UpstreamPool {
  private readonly idleConns: UpstreamConnection[] = [];
  private readonly all = new Set<UpstreamConnection>();
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(readonly port: number) {}

  send(req: UpstreamRequest, handler: ExchangeHandler): Exchange {
    const ex = new ExchangeImpl(this, req, handler);
    let conn = this.idleConns.pop();
    while (conn && !conn.alive) conn = this.idleConns.pop();
    ex.start(conn ?? this.fresh());
    return ex;
  }

  /** A new connection (connecting; the request is written at once and leaves when it connects). */
  fresh(): UpstreamConnection {
    const conn = new UpstreamConnection(this);
    const { socket } = conn;
    this.all.add(conn);
    if (this.closed) queueMicrotask(() => conn.destroy());
    const timer = setTimeout(() => socket.destroy(new Error(`could not connect within ${CONNECT_TIMEOUT_MS / 1000}s`)), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return conn;
  }

  /** An exchange finished cleanly on `conn`: it waits for the next request. */
  idle(conn: UpstreamConnection, keepAliveMs: number | null): void {
    if (this.closed || !conn.alive) return conn.destroy();
    conn.uses++;
    conn.idleUntil = Date.now() + Math.max(SWEEP_MS, keepAliveMs === null ? IDLE_MS : Math.min(IDLE_MS, keepAliveMs - SWEEP_MS));
    this.idleConns.push(conn);
    this.sweeper ??= setTimeout(this.sweep, SWEEP_MS).unref();
  }

  forget(conn: UpstreamConnection): void {
    this.all.delete(conn);
    const i = this.idleConns.indexOf(conn);
    if (i >= 0) this.idleConns.splice(i, 1);
  }

  /** Every connection closed, idle or busy (their exchanges fail). */
  destroy(): void {
    this.closed = true;
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = null;
    for (const c of [...this.all]) c.destroy();
  }

  private readonly sweep = (): void => {
    this.sweeper = null;
    const now = Date.now();
    for (const c of this.idleConns.filter((c) => c.idleUntil <= now)) c.destroy();
    if (this.idleConns.length > 0) this.sweeper = setTimeout(this.sweep, SWEEP_MS).unref();
  };
}
