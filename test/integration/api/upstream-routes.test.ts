import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perTestService, teardown, TestDir, TestService } from '../../helpers/loadout.js';

// What llama-swap and llama-server clients call besides /v1: `/upstream/{model}/...` (the model's
// backend directly, loaded on demand) and llama.cpp's own inference routes, routed by `model`.

interface Echo {
  echo: { method: string; path: string; query: string; headers: Record<string, string>; body: Record<string, unknown> };
  backend: string;
}

describe('/upstream/{model}/… and llama.cpp routes', () => {
  let dir: TestDir;
  let svc: TestService;

  beforeAll(async () => {
    dir = new TestDir();
    svc = await TestService.start(dir, { models: { m: { aliases: ['em'] }, other: {} } });
  });

  afterAll(async () => {
    const left = await teardown(svc, dir);
    expect(left, 'backend processes that survived the service').toEqual([]);
  });

  it('passes any method, the rest of the path and the query to the named model\'s backend, loading it first', async () => {
    expect((await svc.model('m')).state).toBe('stopped');
    const props = await svc.req<Echo>('GET', '/upstream/m/props?fields=all');
    expect(props.status, props.text).toBe(200);
    expect(props.json.echo).toMatchObject({ method: 'GET', path: '/props', query: '?fields=all' });
    expect(props.json.backend).toMatch(/^m pid \d+$/);
    expect((await svc.model('m')).state).toBe('ready');

    const saved = await svc.req<Echo>('POST', '/upstream/em/slots?id_slot=0&action=save&key=never-forwarded', { filename: 's.bin' });
    expect(saved.status).toBe(200);
    expect(saved.json.echo).toMatchObject({ method: 'POST', path: '/slots', query: '?id_slot=0&action=save', body: { filename: 's.bin' } });
    expect(saved.json.backend).toMatch(/^m pid /); // an alias names the same model

    // The backend's own answer, whatever it is, is relayed: it has no route `/`.
    const root = await svc.req<{ error: { message: string } }>('GET', '/upstream/m');
    expect(root.status).toBe(404);
    expect(root.json.error.message).toBe('File Not Found');

    const missing = await svc.req<{ error: { code: string } }>('GET', '/upstream/nope/props');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('model_not_found');
    expect((await svc.model('m')).stats.requests).toBe(3);
  });

  it('routes llama.cpp\'s own inference routes by the body\'s model, as /v1', async () => {
    const r = await svc.req<Echo>('POST', '/completion', { model: 'other', prompt: 'hi', n_predict: 4 });
    expect(r.status, r.text).toBe(200);
    expect(r.json.echo).toMatchObject({ method: 'POST', path: '/completion', body: { model: 'other', prompt: 'hi' } });
    expect(r.json.backend).toMatch(/^other pid /);
    const rerank = await svc.req<Echo>('POST', '/rerank', { model: 'm', query: 'q', documents: ['a'] });
    expect(rerank.json.echo.path).toBe('/rerank');

    const nameless = await svc.req<{ error: { code: string; message: string } }>('POST', '/completion', { prompt: 'hi' });
    expect(nameless.status).toBe(400);
    expect(nameless.json.error.message).toMatch(/^model: /);
    expect((await svc.req('GET', '/completion')).status).toBe(404); // only POST is routed
  });
});

describe('/upstream with an API key', () => {
  const boot = perTestService();

  it('asks for the key, and never passes it on', async () => {
    const svc = await boot({ apiKey: 'sk-up', models: { m: {} } });
    expect((await svc.req('GET', '/upstream/m/props')).status).toBe(401);
    const ok = await svc.req<Echo>('GET', '/upstream/m/props', undefined, { authorization: 'Bearer sk-up' });
    expect(ok.status).toBe(200);
    expect(ok.json.echo.headers.authorization).toBeUndefined();
    expect((await svc.req('POST', '/completion', { model: 'm' })).status).toBe(401);
  });
});
