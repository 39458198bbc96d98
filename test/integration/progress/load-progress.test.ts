import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gone, perTestService, pidFromLog, taggedPids } from '../../helpers/loadout.js';

// Issue 10 item 3: every load shows progress. Real backends (the fake llama-server) print the built-in
// backend's progress lines; the test decides when a load ends by creating the file it waits for.
const boot = perTestService();
const SLOW = { health_timeout: '120s', stop_timeout: '2s' };
let gateDir: string | null = null;
afterEach(() => {
  if (gateDir) rmSync(gateDir, { recursive: true, force: true });
  gateDir = null;
});

describe('load progress', () => {
  it('reports the backend’s percentage while it starts, and an ETA from the previous load', async () => {
    gateDir = mkdtempSync(join(tmpdir(), 'loadout-gate-'));
    const gate = join(gateDir, 'healthy');
    const svc = await boot({ models: { m: { args: `--progress 25,50 --healthy-when ${gate}` } }, watchdog: SLOW });
    const load = svc.load('m');
    const half = await svc.waitView('m', (v) => v.load_progress === 0.5);
    expect(half).toMatchObject({ state: 'starting', load_eta_ms: null, load_waiting_for: [] });
    expect(Date.parse(half.load_started_at!)).toBeLessThanOrEqual(Date.now());
    writeFileSync(gate, '');
    const ready = await load;
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ state: 'ready', load_started_at: null, load_progress: null, load_eta_ms: null });
    const readyEvent = await svc.waitType('model_ready', 'm');
    const loadMs = 'load_ms' in readyEvent.data ? readyEvent.data.load_ms : -1;
    // Remembered in the state dir, keyed by the way the model runs.
    const file = join(svc.dir.stateDir, 'load-times.json');
    expect(existsSync(file)).toBe(true);
    expect(Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[]>)).toEqual([[loadMs]]);

    expect((await svc.unload('m')).status).toBe(200);
    const again = svc.load('m');
    const starting = await svc.waitView('m', (v) => v.state === 'starting' && v.load_started_at !== null);
    expect(starting.load_eta_ms).toBe(loadMs);
    expect((await again).status).toBe(200);
  });

  it('cancels a start: the process group is gone, the load answers load_cancelled, the event says cancelled', async () => {
    const svc = await boot({ models: { m: { args: '--progress 40 --never-healthy --fork-child' } }, watchdog: SLOW });
    const load = svc.load('m');
    const view = await svc.waitView('m', (v) => v.load_progress === 0.4 && v.pid !== null);
    const pid = view.pid!;
    const child = await pidFromLog(svc.url, 'm', /forked child (\d+)/);
    const unloaded = await svc.unload('m');
    expect(unloaded.status).toBe(200);
    expect(unloaded.json).toMatchObject({ state: 'stopped', error: null, load_progress: null });
    const answer = await load;
    expect(answer.status).toBe(409);
    expect(answer.json.error).toMatchObject({ code: 'load_cancelled', message: expect.stringContaining('cancelled') });
    // The whole process group went, the backend's own child included.
    expect(await gone(pid, 3000)).toBe(true);
    expect(await gone(child, 3000)).toBe(true);
    expect(taggedPids(svc.dir.tag)).toEqual([]);
    const stopped = await svc.waitType('model_stopped', 'm');
    expect(stopped).toMatchObject({ reason: 'manual', data: { cancelled: true } });
    expect(stopped.message).toContain('load cancelled');
    expect(svc.of('model_failed', 'm')).toEqual([]);
  });
});
