import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeHandler } from '../../../electron/api/http/upstream/exchange.js';
import { READ_BUFFER_LARGE, READ_BUFFER_SMALL, UpstreamPool, type UpstreamConnection } from '../../../electron/api/http/upstream/upstream-pool.js';

/** Each byte of a long body: (i % 251), so a piece read twice or overwritten shows. */
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

/**
 * A backend on a real socket that answers `GET /N` with an N-byte body, written in 16 KiB pieces a turn
 * apart, so a long answer arrives over many reads.
 */
function backend(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let seen = '';
    s.on('data', (c) => {
      seen += c.toString('latin1');
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return;
      const size = Number(/^GET \/(\d+) /.exec(seen)![1]);
      seen = seen.slice(end + 4);
      const body = pattern(size);
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${size}\r\n\r\n`);
      let at = 0;
      const more = (): void => {
        if (at >= size || s.destroyed) return;
        s.write(body.subarray(at, at + 16 * 1024));
        at += 16 * 1024;
        setImmediate(more);
      };
      more();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, sockets })));
}

/** Sends `GET /size` and collects the body; `keepAll` holds on to every read's bytes (as a relay whose client is slow does). */
function fetchBody(pool: UpstreamPool, size: number, keepAll: boolean): Promise<{ body: Buffer; conn: UpstreamConnection }> {
  return new Promise((resolve, reject) => {
    const held: Buffer[] = [];
    const ex = pool.send({ method: 'GET', path: `/${size}`, headerBlock: '', body: Buffer.alloc(0), responseTimeoutMs: null }, {
      head: () => undefined,
      data: (buf, start, end) => {
        // Without keep, the bytes are only valid during the call: copy them.
        held.push(keepAll ? buf.subarray(start, end) : Buffer.from(buf.subarray(start, end)));
      },
      framed: () => {
        if (keepAll) ex.keepBytes();
      },
      end: () => resolve({ body: Buffer.concat(held), conn: lastConn }),
      error: reject,
    } satisfies ExchangeHandler);
    const lastConn = (ex as unknown as { conn: UpstreamConnection }).conn;
  });
}

describe('UpstreamPool read buffers', () => {
  let b: Awaited<ReturnType<typeof backend>>;
  let pool: UpstreamPool;
  beforeEach(async () => {
    b = await backend();
    pool = new UpstreamPool(b.port);
  });
  afterEach(async () => {
    pool.destroy();
    for (const s of b.sockets) s.destroy();
    await new Promise((r) => b.server.close(r));
  });

  it('keeps a small buffer for small answers and grows it at the first read that fills it', async () => {
    const small = await fetchBody(pool, 300, false);
    expect(small.body.equals(pattern(300))).toBe(true);
    expect(small.conn.readBufferSize).toBe(READ_BUFFER_SMALL);
    // The same (idle, reused) connection: a long answer arrives over many reads and fills the small buffer.
    const large = await fetchBody(pool, 3 * READ_BUFFER_LARGE, false);
    expect(large.conn).toBe(small.conn);
    expect(large.body.equals(pattern(3 * READ_BUFFER_LARGE))).toBe(true);
    expect(large.conn.readBufferSize).toBe(READ_BUFFER_LARGE);
  });

  it('never reads into bytes a handler kept: every read held by reference stays intact', async () => {
    const size = 4 * READ_BUFFER_LARGE;
    const r = await fetchBody(pool, size, true);
    expect(r.body.length).toBe(size);
    expect(r.body.equals(pattern(size))).toBe(true);
    // And after a small one on the same connection, held by reference too.
    const again = await fetchBody(pool, 500, true);
    expect(again.body.equals(pattern(500))).toBe(true);
  });
});
