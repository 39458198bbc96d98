// A load generator light enough not to be the bottleneck: one keep-alive TCP socket per client, the
// request bytes built once, and a response parser that only frames the answer (status line,
// content-length or chunked) without building header objects or decoding the body.
import { connect } from 'node:net';
import { mono } from './lib.mjs';

const HEAD_END = Buffer.from('\r\n\r\n');

/** The bytes of one POST with a JSON body, built once and sent as they are for every request. */
export function postBytes(url, body) {
  const u = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const head = `POST ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/**
 * One keep-alive connection. `send(bytes)` resolves { status, bytes (body), ms, ttfbMs, end } once the
 * last byte of the answer is in: request leaving -> last byte arriving, the client's point of view.
 */
export class RawClient {
  static open(url) {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname, () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    this.pending = null;
    this.reset();
    socket.on('data', (c) => this.onData(c));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed before the answer ended')));
  }

  reset() {
    this.head = null; // Buffer of a partial head
    this.status = 0;
    this.bodyBytes = 0;
    this.mode = 'head'; // head | length | chunk-size | chunk-data | chunk-crlf | trailer
    this.left = 0;
    this.line = '';
    this.ttfb = -1;
  }

  /** A bench must end: an answer that does not complete within `timeoutMs` fails the request. */
  send(bytes, timeoutMs = 60_000) {
    if (this.pending) throw new Error('one request at a time per connection');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error(`no complete answer within ${timeoutMs} ms (status ${this.status}, ${this.bodyBytes} body bytes, parser in ${this.mode})`));
        this.socket.destroy();
      }, timeoutMs);
      const settle = (fn) => (v) => {
        clearTimeout(timer);
        fn(v);
      };
      this.pending = { resolve: settle(resolve), reject: settle(reject), t0: mono() };
      this.socket.write(bytes);
    });
  }

  close() {
    this.pending = null;
    this.socket.destroy();
  }

  fail(err) {
    const p = this.pending;
    this.pending = null;
    p?.reject(err);
  }

  done() {
    const p = this.pending;
    const end = mono();
    const r = { status: this.status, bytes: this.bodyBytes, ms: end - p.t0, ttfbMs: this.ttfb - p.t0, end };
    this.pending = null;
    this.reset();
    p.resolve(r);
  }

  onData(chunk) {
    if (!this.pending) return;
    if (this.ttfb < 0) this.ttfb = mono();
    let buf = chunk;
    let i = 0;
    while (this.pending && i < buf.length) {
      switch (this.mode) {
        case 'head': {
          if (this.head) {
            buf = Buffer.concat([this.head, buf.subarray(i)]);
            i = 0;
            this.head = null;
          }
          const at = buf.indexOf(HEAD_END, i);
          if (at < 0) {
            this.head = buf.subarray(i);
            return;
          }
          const head = buf.toString('latin1', i, at);
          i = at + 4;
          this.status = Number(head.slice(9, 12));
          const lower = head.toLowerCase();
          const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
          if (cl) {
            this.mode = 'length';
            this.left = Number(cl[1]);
            if (this.left === 0) this.done();
          } else if (lower.includes('\r\ntransfer-encoding: chunked')) {
            this.mode = 'chunk-size';
            this.line = '';
          } else {
            this.fail(new Error('answer with neither content-length nor chunked encoding'));
          }
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.left, buf.length - i);
          this.bodyBytes += n;
          this.left -= n;
          i += n;
          if (this.left > 0) break;
          if (this.mode === 'length') this.done();
          else {
            this.mode = 'chunk-crlf';
            this.left = 2;
          }
          break;
        }
        case 'chunk-size':
        case 'trailer': {
          // A line: a chunk's size, or one of the trailer lines (an empty one ends the answer).
          const nl = buf.indexOf(10, i);
          if (nl < 0) {
            this.line += buf.toString('latin1', i);
            return;
          }
          const line = (this.line + buf.toString('latin1', i, nl)).trim();
          this.line = '';
          i = nl + 1;
          if (this.mode === 'trailer') {
            if (line === '') this.done();
          } else if (parseInt(line, 16) === 0) this.mode = 'trailer';
          else {
            this.mode = 'chunk-data';
            this.left = parseInt(line, 16);
          }
          break;
        }
        case 'chunk-crlf': {
          const n = Math.min(this.left, buf.length - i);
          this.left -= n;
          i += n;
          if (this.left === 0) this.mode = 'chunk-size';
          break;
        }
      }
    }
  }
}

/**
 * `connections` clients each send `bytes` back to back until `total` answers are in (a burst of that
 * many parallel requests, kept full). Resolves { rps, ms, failed } over the whole burst.
 */
export async function burst(url, bytes, connections, total) {
  const clients = await Promise.all(Array.from({ length: connections }, () => RawClient.open(url)));
  let started = 0;
  let failed = 0;
  const t0 = mono();
  await Promise.all(
    clients.map(async (c) => {
      while (started < total) {
        started++;
        const r = await c.send(bytes);
        if (r.status !== 200) failed++;
      }
    }),
  );
  const ms = mono() - t0;
  for (const c of clients) c.close();
  return { rps: total / (ms / 1000), ms, failed };
}
