import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient, teardown, TestDir, TestService } from '../../helpers/loadout.js';

// CONTRACT §4/§6: Host and Origin checks (DNS rebinding, drive-by pages) and the optional API key.

const KEY = 'sekret-key-123';
let openDir: TestDir;
let keyDir: TestDir;
let open: TestService;
let keyed: TestService;
const streams: SseClient[] = [];

beforeAll(async () => {
  openDir = new TestDir();
  keyDir = new TestDir();
  open = await TestService.start(openDir, { models: { a: {} } });
  keyed = await TestService.start(keyDir, { apiKey: KEY, models: { a: {} } });
});

afterAll(async () => {
  streams.forEach((s) => s.close());
  const left = [...(await teardown(open, openDir)), ...(await teardown(keyed, keyDir))];
  expect(left).toEqual([]);
});

const port = (s: TestService) => new URL(s.url).port;

describe('Host and Origin', () => {
  it('refuses a Host header that is not the listen address or localhost with 403', async () => {
    for (const host of [`evil.example:${port(open)}`, `127.0.0.1.nip.io:${port(open)}`, 'localhost:1']) {
      const r = await open.req<{ error: { code: string } }>('GET', '/api/models', undefined, { host });
      expect(r.status, host).toBe(403);
      expect(r.json.error.code).toBe('forbidden');
    }
    expect((await open.req('POST', '/v1/chat/completions', { model: 'a' }, { host: `evil.example:${port(open)}` })).status).toBe(403);
    expect((await open.req('GET', '/api/models', undefined, { host: `localhost:${port(open)}` })).status).toBe(200);
    expect((await open.req('GET', '/api/models', undefined, { host: `127.0.0.1:${port(open)}` })).status).toBe(200);
  });

  it('refuses cross-origin browser requests with 403 and allows same-origin ones', async () => {
    const cross = await open.req<{ error: { code: string } }>('POST', '/api/models/a/load', undefined, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe('forbidden');
    expect(open.of('model_starting')).toEqual([]);
    expect((await open.req('GET', '/api/models', undefined, { origin: `http://localhost:${port(open)}`, host: `127.0.0.1:${port(open)}` })).status).toBe(403);
    expect((await open.req('GET', '/api/models', undefined, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const same = await open.req('GET', '/api/models', undefined, { origin: open.url });
    expect(same.status).toBe(200);
  });
});

describe('API key', () => {
  it('answers 401 without a key or with a wrong one, on /api and /v1', async () => {
    for (const path of ['/api/models', '/v1/models', '/api/settings']) {
      const none = await keyed.req<{ error: { code: string } }>('GET', path);
      expect(none.status, path).toBe(401);
      expect(none.json.error.code).toBe('unauthorized');
      expect((await keyed.req('GET', path, undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await keyed.req('GET', path, undefined, { authorization: `Bearer ${KEY}x` })).status).toBe(401);
    }
    expect((await keyed.req('POST', '/v1/chat/completions', { model: 'a' })).status).toBe(401);
    expect(keyed.of('model_starting')).toEqual([]);
  });

  it('answers 200 with Authorization: Bearer <key>', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    expect((await keyed.req('GET', '/api/models', undefined, auth)).status).toBe(200);
    expect((await keyed.req('GET', '/v1/models', undefined, auth)).status).toBe(200);
    expect((await keyed.req('POST', '/v1/chat/completions', { model: 'a' }, auth)).status).toBe(200);
  });

  it('accepts the key as ?key= on the SSE stream, and refuses the stream without it', async () => {
    const denied = new SseClient(keyed.url, '/api/events/stream');
    streams.push(denied);
    expect(await denied.opened).toBe(401);
    const sse = new SseClient(keyed.url, `/api/events/stream?after=0&key=${KEY}`);
    streams.push(sse);
    expect(await sse.opened).toBe(200);
    await sse.waitFor(() => sse.events().some((e) => e.type === 'model_ready'));
  });

  it('leaves /healthz open', async () => {
    const r = await keyed.req<{ status: string }>('GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ok' });
    expect((await open.req('GET', '/healthz')).status).toBe(200);
  });
});
