import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardown, TestDir, TestService, type ErrorJson } from '../../helpers/loadout.js';

// Issue 8: oversized bodies get a JSON 413 (not a reset), and Loadout's API key never reaches a backend.

const KEY = 'sekret-key-123';
let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, { apiKey: KEY, models: { chat: {} } });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

/** Sends `size` bytes in 64 KiB writes, the way a client uploads, and reads the whole answer. */
function upload(method: string, path: string, size: number): Promise<{ status: number; json: ErrorJson }> {
  const u = new URL(svc.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path, agent: false, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': String(size) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) as ErrorJson }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = size;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('bounded request bodies', () => {
  it('answers a control request over 1 MiB with a JSON 413', async () => {
    const r = await upload('PATCH', '/api/settings', 1024 * 1024 + 1);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('payload_too_large');
    expect(r.json.error.message).toMatch(/larger than 1048576 bytes/);
  });

  it('answers an OpenAI request over 64 MiB with a JSON 413', async () => {
    const r = await upload('POST', '/v1/chat/completions', 64 * 1024 * 1024 + 1);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('payload_too_large');
  });

  it('keeps serving after refusing an oversized body', async () => {
    expect((await svc.req('GET', '/healthz')).status).toBe(200);
  });
});

describe('credentials stay with Loadout', () => {
  it('strips ?key= and auth headers before a request reaches the backend', async () => {
    const r = await svc.req<{ echo: { query: string; headers: Record<string, string> } }>(
      'POST',
      `/v1/anything?key=${KEY}&keep=1`,
      { model: 'chat' },
      { 'x-api-key': KEY, 'api-key': KEY, cookie: `k=${KEY}`, 'proxy-authorization': `Basic ${KEY}` },
    );
    expect(r.status).toBe(200);
    expect(r.json.echo.query).toBe('?keep=1');
    expect(JSON.stringify(r.json.echo.headers)).not.toContain(KEY);
    expect(r.json.echo.headers['x-api-key']).toBeUndefined();
  });

  it('leaves the key out of the backend log the API serves', async () => {
    const r = await svc.req<{ lines: { text: string }[] }>('GET', '/api/models/chat/logs?tail=200', undefined, { authorization: `Bearer ${KEY}` });
    expect(r.status).toBe(200);
    expect(r.json.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(r.json.lines)).not.toContain(KEY);
  });
});
