import { describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import { killQuietly, perTestService, type TestService } from '../../helpers/loadout.js';

// Issue 10 item 4, with real processes and signals: pin means kept loaded.

const boot = perTestService();
/** From the event log, not the pushes: a pinned model may start before the test subscribes. */
const triggers = async (s: TestService, model: string): Promise<string[]> => {
  const { events } = (await s.req<{ events: LoadoutEvent[] }>('GET', '/api/events?limit=10000')).json;
  return events.filter((e) => e.type === 'model_starting' && e.model === model).map((e) => (e.data as { trigger: string }).trigger);
};

describe('pinned models are kept loaded', () => {
  it('loads a pinned model at start, starts it again after it is killed, and leaves unpinned ones stopped', async () => {
    const s = await boot({ models: { keep: { pinned: true }, other: {} } });
    const first = await s.waitView('keep', (v) => v.state === 'ready');
    expect(await triggers(s, 'keep')).toEqual(['preload']);
    expect((await s.model('other')).state).toBe('stopped');

    killQuietly(first.pid!, 'SIGKILL');
    await s.waitEvent((e) => e.type === 'model_stopped' && e.model === 'keep' && e.reason === 'exited', 8000, 'keep exited');
    const again = await s.waitView('keep', (v) => v.state === 'ready' && v.pid !== first.pid);
    expect(again.pid).toBeGreaterThan(0);
    expect(await triggers(s, 'keep')).toEqual(['preload', 'pinned']);
    expect(await triggers(s, 'other')).toEqual([]);
  });

  it('PUT pinned: true on a stopped model answers at once and loads it', async () => {
    const s = await boot({ models: { a: { args: '--loading-ms 300' } } });
    const r = await s.req<{ pinned: boolean; state: string }>('PUT', '/api/models/a/pinned', { pinned: true });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ pinned: true, state: 'starting' });
    await s.waitView('a', (v) => v.state === 'ready');
    expect(await triggers(s, 'a')).toEqual(['api']);
  });

  it('a pinned model unloaded by hand stays stopped while another pinned one is restarted', async () => {
    const s = await boot({ models: { keep: { pinned: true }, witness: { pinned: true } } });
    await s.waitView('keep', (v) => v.state === 'ready');
    const witness = await s.waitView('witness', (v) => v.state === 'ready');
    expect((await s.unload('keep')).status).toBe(200);
    // The witness is restarted by the same watchdog pass that would restart keep: once it is back,
    // that pass has run.
    killQuietly(witness.pid!, 'SIGKILL');
    await s.waitView('witness', (v) => v.state === 'ready' && v.pid !== witness.pid);
    expect(await triggers(s, 'witness')).toEqual(['preload', 'pinned']);
    expect((await s.model('keep')).state).toBe('stopped');
    expect(await triggers(s, 'keep')).toEqual(['preload']);
  });
});
