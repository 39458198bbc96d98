import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perTestService, teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';
import { parsePrometheusText, sampleValue } from '../../helpers/prom-text.js';
import { header, rawGet, rawPost, RawClient, type RawResponse } from '../../helpers/raw-http.js';

// The OpenAI router's fast path (inference requests served on the raw client connection) and its
// hand-over to node:http, with the raw upstream client under it, black box: a real service, real
// sockets, and a backend that frames its answers by hand (test/fixtures/raw-backend.mjs).
//
// Which path served an answer shows in its head: the fast path passes the backend's head as it came
// (`X-Raw-Backend`, in the backend's case), node:http writes the headers anew (`x-raw-backend`).

const RAW_BACKEND = fileURLToPath(new URL('../../fixtures/raw-backend.mjs', import.meta.url));

let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, { backendScript: RAW_BACKEND, models: { raw: {}, dier: {}, counted: {}, gone: {}, slow: { responseTimeout: '1s' } } });
  expect((await svc.load('raw')).status).toBe(200);
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

interface Reply {
  conn: number;
  seq: number;
  echo: number | null;
  filler?: string;
}

const clients: RawClient[] = [];
async function client(): Promise<RawClient> {
  const c = await RawClient.open(svc.url);
  clients.push(c);
  return c;
}
afterAll(() => clients.forEach((c) => c.destroy()));

/** A client connection that the fast path serves, or one already handed over to node:http. */
async function clientOn(via: 'fast' | 'node'): Promise<RawClient> {
  const c = await client();
  if (via === 'node') {
    c.write(rawGet(svc.url, '/api/models'));
    expect((await c.response()).status).toBe(200);
  }
  return c;
}

const post = (path: string, n: number, extra: Record<string, string> = {}, model = 'raw'): string => rawPost(svc.url, path, { model, n, messages: [{ role: 'user', content: 'hi' }] }, extra);
const chat = (n: number, extra?: Record<string, string>): string => post('/v1/chat/completions', n, extra);

/** The answer came by the fast path (the backend's head as it came) or node:http (headers written anew). */
function servedBy(r: RawResponse): 'fast' | 'node' | 'neither' {
  const names = r.lines.map(([n]) => n);
  if (names.includes('X-Raw-Backend')) return 'fast';
  if (names.includes('x-raw-backend')) return 'node';
  return 'neither';
}

function reply(r: RawResponse): Reply {
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body) as Reply;
}

async function logText(model: string): Promise<string> {
  const r = await svc.req<{ lines: { text: string }[] }>('GET', `/api/models/${model}/logs?tail=500`);
  return r.json.lines.map((l) => l.text).join('\n');
}

describe('one keep-alive client connection, fast path and node:http', () => {
  it('serves fast, hands over at a request it does not serve, and goes on on node:http', async () => {
    const c = await client();
    c.write(chat(1));
    const first = await c.response();
    expect(reply(first).echo).toBe(1);
    expect(servedBy(first)).toBe('fast');
    expect(first.framing).toBe('length');

    c.write(rawGet(svc.url, '/api/models'));
    const models = await c.response();
    expect(models.status).toBe(200);
    expect((JSON.parse(models.body) as { models: { name: string }[] }).models.map((m) => m.name)).toContain('raw');

    c.write(chat(3));
    const third = await c.response();
    expect(reply(third).echo).toBe(3);
    expect(servedBy(third)).toBe('node');
    expect(c.isClosed).toBe(false);
  });

  it('in the other order: node:http from the first request on', async () => {
    const c = await client();
    c.write(rawGet(svc.url, '/api/models'));
    expect((await c.response()).status).toBe(200);
    for (const n of [2, 3]) {
      c.write(chat(n));
      const r = await c.response();
      expect(reply(r).echo).toBe(n);
      expect(servedBy(r)).toBe('node');
    }
    expect(c.isClosed).toBe(false);
  });

  it('answers the model listings a client fetches before its chats on the fast path, so the chats that follow stay fast', async () => {
    const c = await client();
    c.write(rawGet(svc.url, '/v1/models'));
    const list = await c.response();
    expect(list.status, list.body).toBe(200);
    const listed = JSON.parse(list.body) as { object: string; data: { id: string; created: number }[] };
    expect(listed.object).toBe('list');
    expect(listed.data.map((m) => m.id)).toContain('raw');
    c.write(rawGet(svc.url, '/v1/models/raw'));
    const one = await c.response();
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toMatchObject({ id: 'raw', object: 'model', root: 'raw' });
    c.write(rawGet(svc.url, '/v1/models/nope'));
    const missing = await c.response();
    expect(missing.status).toBe(404);
    expect((JSON.parse(missing.body) as { error: { code: string } }).error.code).toBe('model_not_found');
    c.write(chat(7));
    const r = await c.response();
    expect(reply(r).echo).toBe(7);
    expect(servedBy(r)).toBe('fast');

    // The same listing as node:http gives (the time of the answer aside).
    const n = await clientOn('node');
    n.write(rawGet(svc.url, '/v1/models'));
    const viaNode = await n.response();
    expect(header(viaNode, 'content-type')).toBe(header(list, 'content-type'));
    const strip = (body: string): unknown => (JSON.parse(body) as { data: { created?: number }[] }).data.map(({ created: _, ...m }) => m);
    expect(strip(list.body)).toEqual(strip(viaNode.body));
  });

  it('answers pipelined requests (written at once) in order, fast ones and handed-over ones', async () => {
    const c = await client();
    c.write(chat(1) + chat(2));
    const [a, b] = [await c.response(), await c.response()];
    expect([reply(a).echo, reply(b).echo]).toEqual([1, 2]);
    expect([servedBy(a), servedBy(b)]).toEqual(['fast', 'fast']);

    c.write(chat(3) + rawGet(svc.url, '/api/models') + chat(4));
    const third = await c.response();
    expect(reply(third).echo).toBe(3);
    expect(servedBy(third)).toBe('fast');
    expect((await c.response()).body).toContain('"models"');
    const fourth = await c.response();
    expect(reply(fourth).echo).toBe(4);
    expect(servedBy(fourth)).toBe('node');
  });

  it('serves a request whose head and large body arrive over many reads, and the one after it', async () => {
    const c = await client();
    const big = rawPost(svc.url, '/v1/chat/completions', { model: 'raw', n: 1, pad: 'x'.repeat(4 * 1024 * 1024) });
    const cut = big.indexOf('\r\n') + 5; // inside the head's first header line
    c.write(big.slice(0, cut));
    for (let at = cut; at < big.length; at += 256 * 1024) c.write(big.slice(at, at + 256 * 1024));
    c.write(chat(2));
    const [a, b] = [await c.response(), await c.response()];
    expect([reply(a).echo, reply(b).echo]).toEqual([1, 2]);
    expect([servedBy(a), servedBy(b)]).toEqual(['fast', 'fast']);
  });

  it('closes the connection after the answer when the client asks (Connection: close)', async () => {
    const c = await client();
    c.write(chat(1, { Connection: 'close' }));
    const r = await c.response();
    expect(reply(r).echo).toBe(1);
    expect(servedBy(r)).toBe('fast');
    expect(header(r, 'connection')).toBe('close');
    await c.closed;
    expect(c.pending).toBe('');
  });

  it('answers a chunked request body (node:http takes it)', async () => {
    const c = await client();
    const body = JSON.stringify({ model: 'raw', n: 7 });
    c.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${new URL(svc.url).host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    c.write(`5\r\n${body.slice(0, 5)}\r\n`);
    c.write(`${(body.length - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\n\r\n`);
    const r = await c.response();
    expect(reply(r).echo).toBe(7);
    expect(servedBy(r)).toBe('node');
  });

  it('answers Expect: 100-continue with 100 before the body is sent (node:http takes it)', async () => {
    const c = await client();
    const body = JSON.stringify({ model: 'raw', n: 8 });
    c.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${new URL(svc.url).host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    // The client sends its body only once the server said to go on.
    expect((await c.response()).status).toBe(100);
    c.write(body);
    const r = await c.response();
    expect(reply(r).echo).toBe(8);
    expect(servedBy(r)).toBe('node');
  });
});

describe('the raw upstream client', () => {
  it('relays a close-delimited answer whole, then closes the client connection (fast path)', async () => {
    const c = await client();
    c.write(post('/v1/close-delimited', 1));
    const r = await c.response();
    expect(r.framing).toBe('close');
    expect(header(r, 'connection')).toBe('close');
    const body = reply(r);
    expect(body.echo).toBe(1);
    expect(body.filler).toHaveLength(100_000);
    expect(c.isClosed).toBe(true);
  });

  it('relays a close-delimited answer whole on node:http, which frames it and keeps the connection', async () => {
    const c = await clientOn('node');
    c.write(post('/v1/close-delimited', 2));
    const r = await c.response();
    expect(servedBy(r)).toBe('node');
    expect(reply(r).filler).toHaveLength(100_000);
    c.write(chat(3));
    expect(reply(await c.response()).echo).toBe(3);
  });

  it('replaces, once and unseen, a reused backend connection that closes as the request arrives', async () => {
    for (const via of ['fast', 'node'] as const) {
      const c = await clientOn(via);
      c.write(post('/v1/once', 1));
      const first = reply(await c.response());
      // The next request goes out on the connection that answered (the newest idle one): the backend
      // drops it unanswered, and the request leaves again on a new one.
      c.write(post('/v1/once', 2));
      const r = await c.response();
      expect(servedBy(r)).toBe(via);
      const second = reply(r);
      expect(second.echo).toBe(2);
      expect(second.conn).not.toBe(first.conn);
      await waitUntil(async () => (await logText('raw')).includes(`dropping reused connection ${first.conn} as /v1/once arrives`), 5000, 'the backend to drop the reused connection');
    }
  });

  it('answers an HTTP/1.0 backend as HTTP/1.1 on a client connection that stays open, on both paths', async () => {
    for (const via of ['fast', 'node'] as const) {
      const c = await clientOn(via);
      for (const n of [1, 2]) {
        c.write(post('/v1/http10', n));
        const r = await c.response(); // rejects on a status line other than HTTP/1.1
        expect(reply(r).echo).toBe(n);
        expect(servedBy(r)).toBe(via);
        expect(header(r, 'connection') ?? 'keep-alive').toBe('keep-alive'); // not the backend's close
      }
      expect(c.isClosed).toBe(false);
    }
  });

  it('passes over a 1xx head before the answer, on both paths', async () => {
    for (const via of ['fast', 'node'] as const) {
      const c = await clientOn(via);
      c.write(post('/v1/early-hints', 1));
      const r = await c.response();
      expect(r.status).toBe(200);
      expect(servedBy(r)).toBe(via);
      expect(reply(r).echo).toBe(1);
      expect(c.pending).toBe('');
    }
  });

  it('answers on a new backend connection once the backend closed an idle one at its keep-alive timeout', async () => {
    const c = await client();
    c.write(post('/v1/short-keepalive', 1));
    const answer = await c.response();
    // The backend's Keep-Alive tells of its own connection: the client's connection to Loadout keeps its own.
    expect(header(answer, 'keep-alive')).toBeUndefined();
    const first = reply(answer);
    await waitUntil(async () => (await logText('raw')).includes(`closing idle connection ${first.conn} (keep-alive timeout)`), 8000, 'the backend to close the idle connection');
    c.write(post('/v1/short-keepalive', 2));
    const second = reply(await c.response());
    expect(second.echo).toBe(2);
    expect(second.conn).not.toBe(first.conn);
  });

  it('holds the backend back while the client is not reading, and loses nothing (fast path)', async () => {
    const c = await client();
    c.pause();
    c.write(post('/v1/big', 1));
    await waitUntil(async () => /big answer on connection \d+ waits for the connection to drain/.test(await logText('raw')), 15_000, 'the backend to be held back');
    c.resume();
    const r = await c.response();
    expect(servedBy(r)).toBe('fast');
    expect(r.bytes.length).toBe(64 * 1024 * 1024);
    expect(r.bytes.equals(Buffer.alloc(64 * 1024 * 1024, Buffer.from(Array.from({ length: 251 }, (_, i) => i))))).toBe(true);
  });

  it('answers when the backend closes its connection after an answer (Connection: close), and the client connection stays usable', async () => {
    const c = await client();
    c.write(post('/v1/conn-close', 1));
    const a = await c.response();
    expect(servedBy(a)).toBe('fast');
    // The backend's connection lines are its connection's business: the client's stays open.
    expect(header(a, 'connection')).toBeUndefined();
    c.write(post('/v1/conn-close', 2));
    const b = await c.response();
    expect([reply(a).echo, reply(b).echo]).toEqual([1, 2]);
    expect(reply(b).conn).not.toBe(reply(a).conn);
    c.write(chat(3));
    expect(reply(await c.response()).echo).toBe(3);
    expect(c.isClosed).toBe(false);
  });
});

describe('clients that go away, backends that die', () => {
  it('closes the backend connection and frees the request when the client hangs up mid-stream (fast path)', async () => {
    const c = await client();
    c.write(post('/v1/endless', 1));
    await c.waitFor('"content":"more"');
    const conn = Number(/\r\nX-Raw-Backend: conn=(\d+)/.exec(c.pending)?.[1]); // the head as the backend wrote it: the fast path
    expect(conn).toBeGreaterThan(0);
    expect((await svc.model('raw')).inflight).toBe(1);
    c.destroy();
    await waitUntil(async () => (await logText('raw')).includes(`endless stream on connection ${conn} ended`), 5000, 'the backend connection to close');
    const v = await svc.waitModel('raw', (m) => m.inflight === 0);
    expect(v.state).toBe('ready');
  });

  it('closes the backend connection and frees the request when the client hangs up before any answer', async () => {
    const c = await client();
    c.write(post('/v1/hang', 1, {}, 'gone'));
    await waitUntil(async () => (await logText('gone')).includes('request POST /v1/hang'), 8000, 'the backend to get the request');
    expect((await svc.model('gone')).inflight).toBe(1);
    c.destroy();
    await waitUntil(async () => (await logText('gone')).includes('abandoned: the connection closed'), 5000, 'the backend connection to close');
    await svc.waitModel('gone', (m) => m.inflight === 0);
    // Sent once: a client that left is not a backend to probe and retry.
    expect((await logText('gone')).match(/request POST \/v1\/hang/g)).toHaveLength(1);
    expect((await svc.model('gone')).state).toBe('ready');
  });

  it('ends a chunked event stream the backend cut with an OpenAI-style error event and a terminated body, on both paths', async () => {
    for (const via of ['fast', 'node'] as const) {
      const c = await clientOn(via);
      c.write(post('/v1/stream-die', 1, {}, 'dier'));
      const r = await c.response(); // throws unless the chunked body ends with its end chunk
      expect(r.status).toBe(200);
      expect(servedBy(r)).toBe(via);
      expect(r.framing).toBe('chunked');
      const events = r.body.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice(6)) as { choices?: { delta: { content: string } }[]; error?: { code: string } });
      expect(events.slice(0, 2).map((e) => e.choices?.[0]?.delta.content)).toEqual(['one', 'two']);
      expect(events.at(-1)?.error?.code).toBe('backend_error');
      // The answer ended cleanly: the connection carries the next request.
      c.write(rawGet(svc.url, '/api/models/dier'));
      expect((await c.response()).status).toBe(200);
      expect(c.isClosed).toBe(false);
      await svc.waitModel('dier', (m) => m.inflight === 0 && m.state !== 'ready');
    }
  });
});

describe('our own error answers on the fast path', () => {
  it('answers an error (no answer within response_timeout) and then the request pipelined behind it', async () => {
    const c = await client();
    c.write(post('/v1/hang', 1, {}, 'slow') + post('/v1/chat/completions', 2, {}, 'slow'));
    const timedOut = await c.response();
    expect(timedOut.status).toBe(504);
    expect((JSON.parse(timedOut.body) as { error: { code: string } }).error.code).toBe('upstream_timeout');
    expect(header(timedOut, 'connection')).toBeUndefined();
    const next = await c.response();
    expect(reply(next).echo).toBe(2);
    expect(servedBy(next)).toBe('fast');
    await svc.waitModel('slow', (m) => m.inflight === 0);
  });

  it('closes the connection after an error answer when the client asked so', async () => {
    const c = await client();
    c.write(post('/v1/hang', 1, { Connection: 'close' }, 'slow'));
    const r = await c.response();
    expect(r.status).toBe(504);
    expect(header(r, 'connection')).toBe('close');
    await c.closed;
  });
});

describe('request metrics of the fast path', () => {
  it('counts requests, backend errors and usage tokens (a key split over chunks too) as node:http does', async () => {
    const fast = await clientOn('fast');
    const node = await clientOn('node');
    const ask = async (c: RawClient, path: string, via: 'fast' | 'node'): Promise<RawResponse> => {
      c.write(post(path, 1, {}, 'counted'));
      const r = await c.response();
      expect(servedBy(r), path).toBe(via);
      return r;
    };
    for (const [c, via] of [[fast, 'fast'], [node, 'node']] as const) {
      expect((await ask(c, '/v1/chat/completions', via)).status).toBe(200); // 2 + 3 tokens
      expect((await ask(c, '/v1/error500', via)).status).toBe(500);
      const split = await ask(c, '/v1/stream-split', via); // 4 + 6 tokens, the key cut by chunk framing
      expect(split.body).toContain('data: [DONE]');
    }
    const v = await svc.waitView('counted', (m) => m.stats.requests === 6);
    expect(v.stats.errors).toBe(2);
    const m = parsePrometheusText((await svc.req('GET', '/metrics')).text);
    expect(sampleValue(m, 'loadout_requests_total', { model: 'counted', api: 'openai', status: '200' })).toBe(4);
    expect(sampleValue(m, 'loadout_requests_total', { model: 'counted', api: 'openai', status: '500' })).toBe(2);
    expect(sampleValue(m, 'loadout_request_errors_total', { model: 'counted', api: 'openai', code: 'http_500' })).toBe(2);
    expect(sampleValue(m, 'loadout_tokens_total', { model: 'counted', kind: 'prompt' })).toBe(2 * (2 + 4));
    expect(sampleValue(m, 'loadout_tokens_total', { model: 'counted', kind: 'completion' })).toBe(2 * (3 + 6));
    expect(sampleValue(m, 'loadout_model_requests_in_flight', { model: 'counted' })).toBe(0);
  });
});

describe('the API key and Host/Origin checks on the fast path', () => {
  const boot = perTestService();
  const KEY = 'sk-fast-path-test';

  it('refuses a /v1 request without the key or from a foreign Host or Origin, also after a served one on the same connection', async () => {
    const keyed = await boot({ backendScript: RAW_BACKEND, apiKey: KEY, models: { raw: {} } });
    const auth = { Authorization: `Bearer ${KEY}` };
    const body = { model: 'raw', n: 1 };
    const c = await RawClient.open(keyed.url);
    clients.push(c);
    c.write(rawPost(keyed.url, '/v1/chat/completions', body, auth));
    const ok = await c.response();
    expect(ok.status, ok.body).toBe(200);
    expect(servedBy(ok)).toBe('fast');
    for (const extra of [{}, { Authorization: `Bearer ${KEY}x` }, { 'X-Api-Key': 'wrong' }] as Record<string, string>[]) {
      c.write(rawPost(keyed.url, '/v1/chat/completions', body, extra));
      const r = await c.response();
      expect(r.status, JSON.stringify(extra)).toBe(401);
      expect(header(r, 'x-raw-backend')).toBeUndefined();
    }
    const port = new URL(keyed.url).port;
    for (const extra of [{ Origin: 'http://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }] as Record<string, string>[]) {
      const d = await RawClient.open(keyed.url);
      clients.push(d);
      d.write(rawPost(keyed.url, '/v1/chat/completions', body, { ...auth, ...extra }));
      expect((await d.response()).status, JSON.stringify(extra)).toBe(403);
    }
    const e = await RawClient.open(keyed.url);
    clients.push(e);
    e.write(rawPost(keyed.url, '/v1/chat/completions', body, auth).replace(/^Host: .*$/m, `Host: evil.example:${port}`));
    expect((await e.response()).status).toBe(403);
    // The model listing asks for the key too (node:http answers the refusal); with it, it is served fast.
    const f = await RawClient.open(keyed.url);
    clients.push(f);
    f.write(rawGet(keyed.url, '/v1/models'));
    expect((await f.response()).status).toBe(401);
    const g = await RawClient.open(keyed.url);
    clients.push(g);
    g.write(rawGet(keyed.url, '/v1/models', auth));
    expect((await g.response()).status).toBe(200);
    g.write(rawPost(keyed.url, '/v1/chat/completions', body, auth));
    const after = await g.response();
    expect(servedBy(after)).toBe('fast');
    const view = await keyed.req<{ stats: { requests: number } }>('GET', '/api/models/raw', undefined, { authorization: `Bearer ${KEY}` });
    expect(view.json.stats.requests).toBe(2); // only the served ones reached the model
  });
});
