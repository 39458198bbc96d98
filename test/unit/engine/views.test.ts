import { describe, expect, it } from 'vitest';
import { harness, model } from './harness.js';

// Issue 8: a ttl past what a Date holds made idle_deadline throw, and GET /api/models answered 500
// for every model. Values that reach the engine other than through the validated config or API
// (an older build's file, a future key) must still not take the list down.
describe('model views', () => {
  it('shows an idle deadline past the range of a date as null, and keeps listing every model', async () => {
    const h = harness([model('huge', { ttlMs: 1e20 }), model('plain')], { idleCheck: true });
    await h.engine.load('huge', 'api');
    await h.engine.load('plain', 'api');
    const views = h.engine.listModels();
    expect(views.map((v) => v.name)).toEqual(['huge', 'plain']);
    expect(views[0]).toMatchObject({ state: 'ready', idle_deadline: null });
    expect(views[1]?.idle_deadline).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
