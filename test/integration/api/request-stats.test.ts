import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { perTestService, type TestService } from '../../helpers/loadout.js';

// ModelView.stats (issue 10, item 8): one engine store fed by the HTTP faces' request meter; the views
// the API answers with and the pushes the dashboard and IPC receive carry the same figures.

const streamBody = (model: string) => ({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });

/** A streamed chat the client hangs up on as soon as the first bytes arrive. */
function abandonStream(svc: TestService, model: string): Promise<void> {
  const url = new URL('/v1/chat/completions', svc.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e) => (req.destroyed ? resolve() : reject(e)));
    req.end(JSON.stringify(streamBody(model)));
  });
}

describe('request stats in the model view', () => {
  const boot = perTestService();

  it('counts requests, takes tokens/s from usage and p50 latency, on the API and in pushes', async () => {
    // 5 chunks 25 ms apart: each answer takes at least 125 ms from its first byte to its last.
    const svc = await boot({ models: { m: { args: '--stream-chunks 5 --chunk-delay 25' }, idle: {} } });
    expect((await svc.model('m')).stats).toEqual({ requests: 0, errors: 0, tokens_per_s: null, p50_latency_ms: null, window: 0 });

    for (let i = 0; i < 3; i++) {
      const r = await svc.req('POST', '/v1/chat/completions', streamBody('m'));
      expect(r.text).toContain('"completion_tokens":5');
    }
    const pushed = await svc.waitView('m', (v) => v.stats.requests === 3);
    expect(pushed.stats.errors).toBe(0);
    expect(pushed.stats.window).toBe(3);
    expect(pushed.stats.p50_latency_ms).toBeGreaterThanOrEqual(125);
    // 5 tokens in no less than 125 ms: at most 40 tokens/s, however slow or fast the machine, less the
    // backend's timers firing up to a millisecond early each and the clock's millisecond steps (45).
    expect(pushed.stats.tokens_per_s).toBeGreaterThan(0);
    expect(pushed.stats.tokens_per_s).toBeLessThanOrEqual(45);
    expect((await svc.model('m')).stats).toEqual(pushed.stats);
    const listed = (await svc.req<{ models: { name: string; stats: unknown }[] }>('GET', '/api/models')).json.models;
    expect(listed.find((x) => x.name === 'm')?.stats).toEqual(pushed.stats);
    expect(listed.find((x) => x.name === 'idle')?.stats).toMatchObject({ requests: 0, window: 0 });
  });

  it('counts a whole (not streamed) answer with its usage', async () => {
    const svc = await boot({ models: { m: {} } });
    expect((await svc.chat('m')).status).toBe(200);
    const v = await svc.waitView('m', (x) => x.stats.requests === 1);
    expect(v.stats).toMatchObject({ errors: 0, window: 1 });
    expect(v.stats.tokens_per_s).toBeGreaterThan(0);
    expect(v.stats.p50_latency_ms).not.toBeNull();
  });

  it('counts failed requests as errors, and a client that hung up as neither error nor latency', async () => {
    const svc = await boot({ models: { c: { args: '--crash-on-request' }, s: { args: '--stream-chunks 50 --chunk-delay 50' } } });
    expect((await svc.chat('c')).status).toBe(502);
    const failed = await svc.waitView('c', (x) => x.stats.requests === 1);
    expect(failed.stats).toEqual({ requests: 1, errors: 1, tokens_per_s: null, p50_latency_ms: null, window: 0 });

    await abandonStream(svc, 's');
    const left = await svc.waitView('s', (x) => x.stats.requests === 1);
    expect(left.stats).toEqual({ requests: 1, errors: 0, tokens_per_s: null, p50_latency_ms: null, window: 0 });
    expect((await svc.chat('nope')).status).toBe(404);
  });
});
