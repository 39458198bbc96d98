import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../electron/engine/supervisor/free-port.js';
import { probeHealthDetail } from '../../../electron/engine/supervisor/health-probe.js';

// The health probe is a plain socket that reads only the status line: real servers, real ports.

const servers: (HttpServer | TcpServer)[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen<T extends HttpServer | TcpServer>(server: T): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('probeHealthDetail', () => {
  it('asks GET <path> with the host and reads 200, 503 and other codes', async () => {
    const seen: { method?: string; url?: string; host?: string }[] = [];
    let status = 503;
    const port = await listen(createHttpServer((req, res) => {
      seen.push({ method: req.method, url: req.url, host: req.headers.host });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"x"}');
    }));
    expect(await probeHealthDetail(port, '/health')).toEqual({ state: 'loading', reason: 'HTTP 503' });
    status = 200;
    expect(await probeHealthDetail(port, '/health')).toEqual({ state: 'ok', reason: 'HTTP 200' });
    status = 404;
    expect(await probeHealthDetail(port, '/v1/models')).toEqual({ state: 'down', reason: 'HTTP 404' });
    expect(seen).toEqual([
      { method: 'GET', url: '/health', host: `127.0.0.1:${port}` },
      { method: 'GET', url: '/health', host: `127.0.0.1:${port}` },
      { method: 'GET', url: '/v1/models', host: `127.0.0.1:${port}` },
    ]);
  });

  it('reads a status line that arrives in pieces', async () => {
    const port = await listen(createTcpServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 2');
        setImmediate(() => s.write('00 OK\r'));
        setImmediate(() => setImmediate(() => s.end('\nContent-Length: 0\r\n\r\n')));
      });
    }));
    expect(await probeHealthDetail(port, '/health')).toEqual({ state: 'ok', reason: 'HTTP 200' });
  });

  it('is down with the reason when nothing listens, the answer is not HTTP, or the connection ends first', async () => {
    expect(await probeHealthDetail(await freePort(), '/health')).toEqual({ state: 'down', reason: 'ECONNREFUSED' });
    const notHttp = await listen(createTcpServer((s) => s.once('data', () => s.end('SSH-2.0-OpenSSH_9.6\r\n'))));
    expect(await probeHealthDetail(notHttp, '/health')).toEqual({ state: 'down', reason: 'not an HTTP answer' });
    const hangsUp = await listen(createTcpServer((s) => s.once('data', () => s.end())));
    expect(await probeHealthDetail(hangsUp, '/health')).toEqual({ state: 'down', reason: 'connection closed before an answer' });
    const resets = await listen(createTcpServer((s) => s.once('data', () => s.resetAndDestroy())));
    expect(await probeHealthDetail(resets, '/health')).toEqual({ state: 'down', reason: 'ECONNRESET' });
  });

  it('gives up on a server that accepts and never answers, and on an abort', async () => {
    const wedged = await listen(createTcpServer(() => undefined));
    expect(await probeHealthDetail(wedged, '/health')).toEqual({ state: 'down', reason: 'no answer within 1000ms' });
    const ctl = new AbortController();
    const probing = probeHealthDetail(wedged, '/health', ctl.signal);
    ctl.abort();
    expect(await probing).toEqual({ state: 'down', reason: 'aborted' });
    expect(await probeHealthDetail(wedged, '/health', ctl.signal)).toEqual({ state: 'down', reason: 'aborted' });
  });
});
