import { describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { perTestService, type ErrorJson } from '../../helpers/loadout.js';

// Issue 8: durations of 2^31 ms or more fired after 1 ms, and a huge idle_timeout made every model view
// an invalid date (500 on /api/models), persisted by PATCH so that it survived a restart.

const boot = perTestService();

describe('long durations', () => {
  it('waits a health_timeout longer than 2^31 ms instead of failing the load at once', async () => {
    // 600h is about 2.2e9 ms: past what one Node timer holds.
    const s = await boot({ watchdog: { health_timeout: '600h', interval: '600h' }, models: { slow: { args: '--loading-ms 300' } } });
    const r = await s.load('slow');
    expect(r.status, r.text).toBe(200);
    expect(r.json.state).toBe('ready');
    expect(s.of('model_failed')).toEqual([]);
  });

  it('refuses a PATCH past the longest duration with 400 naming the field, and keeps serving the list', async () => {
    const s = await boot({ models: { a: {} } });
    expect((await s.load('a')).status).toBe(200);
    const before = s.dir.readConfig();
    for (const [field, value] of [['idle_timeout', '3000000000h'], ['health_timeout', '9000h'], ['stop_timeout', 1e12]] as const) {
      const r = await s.req<ErrorJson>('PATCH', '/api/settings', { [field]: value });
      expect(r.status, field).toBe(400);
      expect(r.json.error.message).toContain(field);
      expect(r.json.error.message).toMatch(/at most 8760h/);
    }
    expect(s.dir.readConfig()).toBe(before);
    const list = await s.req<{ models: ModelView[] }>('GET', '/api/models');
    expect(list.status).toBe(200);
    expect(list.json.models[0]?.idle_deadline ?? null).toBeNull();
    expect((await s.req('GET', '/api/snapshot')).status).toBe(200);
  });
});
