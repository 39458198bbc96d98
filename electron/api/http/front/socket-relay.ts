import type { Lease } from '../../../engine/engine.js';
import type { Exchange, ExchangeHandler } from '../upstream/exchange.js';
import { cutStreamEvent, type Settle } from '../upstream/relay-common.js';
import { headerLines, reasonOf, type ResponseHead } from '../upstream/response-head.js';
import type { FastRequest } from './fast-request.js';

/** Hop-by-hop lines of the backend's head that are its connection's business, not the client's. */
const CONNECTION_LINES = new Set(['connection', 'keep-alive']);

/**
 * One proxied attempt on the fast path: the backend's answer goes to the client's socket as it came,
 * framing included; only its head is rewritten (the backend's connection headers dropped). The payload
 * is seen on the way for the request metrics. `settle` as for every relay: null once answered, or the
 * error before any answer byte.
 */
export class SocketRelay implements ExchangeHandler {
  exchange: Exchange | null = null;
  /** The head is still to send: as it came (with the body bytes of its read), or this rewritten copy. */
  private headDue = false;
  private rewritten: Buffer | null = null;
  private keepAliveLine: [number, number] | null = null;
  private failed = false;
  private eventStream = false;
  private framing: ResponseHead['framing'] = 'none';
  private draining = false;
  /** Where this read's payload pieces lie in its bytes: [start, end, ...]. */
  private readonly spans: number[] = [];

  constructor(
    private readonly req: FastRequest,
    private readonly lease: Lease,
    private readonly settle: Settle,
  ) {
    req.conn.whenGone(this.onClientGone);
  }

  head(h: ResponseHead): void {
    const { req } = this;
    req.answered = true;
    this.failed = h.status >= 500;
    this.eventStream = h.contentType.includes('text/event-stream');
    this.framing = h.framing;
    req.tally.head(h.status, h.contentType);
    if (h.framing === 'close') req.conn.closeAfterThis();
    // The backend's head goes as it came unless the connections' ways part: it closes, or the client's will.
    this.headDue = true;
    this.keepAliveLine = h.keepAliveLine;
    this.rewritten = h.close || req.conn.closing ? Buffer.from(clientHead(h, req.conn.closing), 'latin1') : null;
    this.settle(null);
  }

  data(_buf: Buffer, start: number, end: number): void {
    this.spans.push(start, end);
  }

  framed(bytes: Buffer, last: boolean, withHead: Buffer | null): void {
    const { req } = this;
    if (req.finished) return;
    if (this.spans.length > 0) {
      req.tally.bodySpans(bytes, this.spans);
      this.spans.length = 0;
    }
    let out = bytes;
    if (this.headDue) {
      this.headDue = false;
      out = this.rewritten === null ? withoutKeepAlive(withHead!, this.keepAliveLine) : bytes.length === 0 ? this.rewritten : Buffer.concat([this.rewritten, bytes]);
    }
    if (last) req.end(out, this.released);
    else if (out.length > 0 && !req.conn.write(out) && !this.draining) {
      this.draining = true;
      this.exchange?.pause();
      req.conn.socket.once('drain', this.onDrain);
    }
    // Bytes the client's socket could not take at once are queued by reference.
    if (req.conn.socket.writableLength > 0) this.exchange?.keepBytes();
  }

  end(): void {
    // The last bytes went with `framed(.., true)`; a close-delimited answer ends with the connection.
    if (!this.req.finished) this.req.end(this.headDue ? this.rewritten : null, this.released);
  }

  error(err: Error, answered: boolean): void {
    if (!answered) return this.settle(err);
    const { req } = this;
    this.lease.release('failed');
    if (req.finished) return;
    if (this.eventStream && this.framing === 'close') return req.end(cutStreamEvent(this.lease));
    if (this.eventStream && this.framing === 'chunked' && this.exchange?.betweenChunks) {
      const text = Buffer.from(cutStreamEvent(this.lease));
      return req.end(Buffer.concat([Buffer.from(`${text.length.toString(16)}\r\n`), text, Buffer.from('\r\n0\r\n\r\n')]));
    }
    req.cut();
  }

  private readonly released = (ok: boolean): void => this.lease.release(ok && !this.failed ? 'ok' : 'failed');

  private readonly onDrain = (): void => {
    this.draining = false;
    this.exchange?.resume();
  };

  /** The client went away mid-request: the backend's answer is abandoned. */
  private readonly onClientGone = (): void => {
    this.exchange?.abort();
    if (!this.req.answered) return this.settle(new Error('the client went away'));
    this.lease.release('failed');
    this.req.end(null);
  };
}

/** The head (and what follows it) less its `Keep-Alive` line, which tells of the backend's connection, not ours. */
function withoutKeepAlive(bytes: Buffer, line: [number, number] | null): Buffer {
  return line === null ? bytes : Buffer.concat([bytes.subarray(0, line[0]), bytes.subarray(line[1])]);
}

/** The backend's head for the client: its own lines less the connection ones; `close` when this connection ends after it. */
function clientHead(h: ResponseHead, close: boolean): string {
  let text = `HTTP/1.1 ${h.status} ${reasonOf(h)}\r\n`;
  for (const [name, value] of headerLines(h)) if (!CONNECTION_LINES.has(name.toLowerCase())) text += `${name}: ${value}\r\n`;
  if (close) text += 'connection: close\r\n';
  return `${text}\r\n`;
}
