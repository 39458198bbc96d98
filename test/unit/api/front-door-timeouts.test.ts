import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrontDoor } from '../../../electron/api/http/front/front-door.js';
import type { FastHandler } from '../../../electron/api/http/front/client-connection.js';

// The fast path gives a request the node:http server's own time to arrive (`headersTimeout` for its
// head, `requestTimeout` for all of it), counted from when it was first found incomplete: a client
// that trickles bytes (and so never trips the idle timeout) is answered 408 and closed.

const fast: FastHandler = {
  take: (_head, _body, conn) => {
    conn.finish('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nfast');
    return true;
  },
};

let http: Server;
let door: FrontDoor;
let port: number;
const sockets: Socket[] = [];

beforeEach(async () => {
  http = createServer((_req, res) => res.end('node'));
  http.headersTimeout = 300;
  http.requestTimeout = 600;
  door = new FrontDoor(http, fast);
  await door.listen(0, '127.0.0.1');
  port = (door.server.address() as { port: number }).port;
});

afterEach(async () => {
  for (const s of sockets) s.destroy();
  await door.close();
});

/** A client that writes `parts` one after another, `gapMs` apart, then keeps trickling `trickle` bytes until the server answers or closes. */
function client(parts: string[], gapMs: number, trickle: string | null): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    sockets.push(s);
    let text = '';
    let timer: NodeJS.Timeout | null = null;
    const stop = (closed: boolean) => {
      if (timer) clearInterval(timer);
      resolve({ text, closed });
    };
    s.on('data', (c) => {
      text += c.toString('latin1');
      if (text.includes('\r\n\r\n') && !trickle) stop(false);
    });
    s.on('error', () => undefined);
    s.on('close', () => stop(true));
    let i = 0;
    timer = setInterval(() => {
      if (s.destroyed) return;
      if (i < parts.length) s.write(parts[i++]!);
      else if (trickle) s.write(trickle);
    }, gapMs);
  });
}

const HEAD = 'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n';

describe('FrontDoor read limits', () => {
  it('answers 408 and closes when the head trickles in past headersTimeout', async () => {
    const r = await client([HEAD], 40, 'x-slow: 1\r\n');
    expect(r.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(r.closed).toBe(true);
  });

  it('answers 408 and closes when the body trickles in past requestTimeout', async () => {
    const r = await client([`${HEAD}content-length: 100000\r\n\r\n{"model":"m"`], 40, ' ');
    expect(r.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(r.closed).toBe(true);
  });

  it('serves a request that arrives in pieces within the limits and keeps the connection open', async () => {
    http.headersTimeout = 10_000; // read live: pieces 20 ms apart stay well inside even on a loaded machine
    http.requestTimeout = 20_000;
    const body = '{"model":"m"}';
    const r = await client([HEAD, `content-length: ${body.length}\r\n\r\n`, body], 20, null);
    expect(r.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*fast$/);
    expect(r.closed).toBe(false);
  });
});
