import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { teardown, TestDir, TestService, type ErrorJson } from '../../helpers/loadout.js';

// The control API's error answers (CONTRACT §4: OpenAI's error shape with the right status).

let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, { models: { b: {}, a: { groups: [' big ', 'big', ''] } } });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left).toEqual([]);
});

describe('control API', () => {
  it('lists every configured model sorted by name, with the ModelView fields', async () => {
    const r = await svc.req<{ models: ModelView[] }>('GET', '/api/models');
    expect(r.status).toBe(200);
    expect(r.json.models.map((m) => m.name)).toEqual(['a', 'b']);
    expect(r.json.models[0]).toMatchObject({ name: 'a', state: 'stopped', pinned: false, groups: ['big'], pid: null, port: null, inflight: 0, loaded_at: null, error: null });
  });

  it('answers 404 model_not_found for an unknown model on every model route', async () => {
    for (const [method, path] of [['GET', '/api/models/nope'], ['POST', '/api/models/nope/load'], ['POST', '/api/models/nope/unload'], ['GET', '/api/models/nope/logs'], ['GET', '/api/models/nope/logs/stream']]) {
      const r = await svc.req<ErrorJson>(method!, path!);
      expect(r.status, path).toBe(404);
      expect(r.json.error).toMatchObject({ code: 'model_not_found', type: 'not_found_error' });
      expect(r.json.error.message).toContain('nope');
    }
  });

  it('answers 400 (not 500) for malformed input: bad JSON, bad fields, malformed percent-encoding', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/models/a/unload', '{not json'],
      ['POST', '/api/models/a/unload', { force: 'yes' }],
      ['GET', '/api/events?after=-1', undefined],
      ['POST', '/api/models/%E0%A4%A/load', undefined],
      ['GET', '/api/models/%E0%A4%A/logs/stream', undefined],
      ['POST', '/v1/chat/completions', '{not json'],
    ];
    for (const [method, path, body] of cases) {
      const r = await svc.req<ErrorJson>(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'bad_request', type: 'invalid_request_error' });
    }
    expect(svc.of('model_starting')).toEqual([]);
  });
});
