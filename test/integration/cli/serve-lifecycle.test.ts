import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { ModelView } from '../../../shared/model-view.js';
import { assertBuilt, runCli, serveProcesses } from '../../helpers/cli.js';
import { alive, gone, http, pidFromLog, taggedPids, TestDir } from '../../helpers/loadout.js';

// `loadout serve` as a real process: orphan reaping after kill -9, clean stop on SIGTERM,
// and a clear refusal of an invalid config.

let dir: TestDir;

beforeAll(() => assertBuilt());

afterEach(async () => {
  await dir.cleanup();
});

const startServe = serveProcesses();
const forkedChild = (url: string, model: string) => pidFromLog(url, model, /forked child (\d+)/);
const serve = () => startServe(dir.configFile);

describe('loadout serve', () => {
  it('reaps the backends a killed instance left behind (and their children) before it listens, with an orphans_reaped event', async () => {
    dir = new TestDir();
    dir.write({ models: { forks: { args: '--fork-child' } } });
    const first = serve();
    const url1 = await first.url;
    const loaded = await http<ModelView>(url1, 'POST', '/api/models/forks/load');
    expect(loaded.status).toBe(200);
    const backend = loaded.json.pid!;
    const child = await forkedChild(url1, 'forks');
    // The child has written its own first line: a write to the output pipe after Loadout is gone would
    // end it (EPIPE), which is not what this test is about.
    await pidFromLog(url1, 'forks', new RegExp(`child (${child}) sleeping`));

    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // Orphaned: nobody stopped them.
    expect(alive(backend)).toBe(true);
    expect(alive(child)).toBe(true);

    const second = serve();
    const url2 = await second.url;
    // By the time it says "listening", the leftovers are gone.
    expect(alive(backend)).toBe(false);
    expect(await gone(child), `forked child ${child} still alive`).toBe(true);
    const events = (await http<{ events: LoadoutEvent[] }>(url2, 'GET', '/api/events?after=0')).json.events;
    const reaped = events.find((e) => e.type === 'orphans_reaped');
    expect(reaped, events.map((e) => e.type).join(',')).toBeDefined();
    expect((reaped!.data as { pids: number[] }).pids).toContain(backend);
    expect(reaped!.message).toContain(String(backend));
    expect((await http<ModelView>(url2, 'GET', '/api/models/forks')).json.state).toBe('stopped');

    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(taggedPids(dir.tag)).toEqual([]);
  });

  it('stops every backend (graceful, then forced) on SIGTERM before it exits 0', async () => {
    dir = new TestDir();
    dir.write({ watchdog: { stop_timeout: '1s' }, models: { plain: {}, forks: { args: '--fork-child' }, stubborn: { args: '--ignore-sigterm --fork-child' } } });
    const s = serve();
    const url = await s.url;
    const pids: number[] = [];
    for (const m of ['plain', 'forks', 'stubborn']) {
      const r = await http<ModelView>(url, 'POST', `/api/models/${m}/load`);
      expect(r.status, r.text).toBe(200);
      pids.push(r.json.pid!);
    }
    pids.push(await forkedChild(url, 'forks'), await forkedChild(url, 'stubborn'));
    expect(taggedPids(dir.tag).sort()).toEqual([...pids].sort());

    s.kill('SIGTERM');
    const exit = await s.exited;
    expect(exit.code).toBe(0);
    // Checked the moment serve is gone, with no grace period: "before exit".
    expect(taggedPids(dir.tag)).toEqual([]);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('exits non-zero on an invalid config, printing file:line:column and the key', async () => {
    dir = new TestDir();
    const text = dir.yaml({ models: { a: {} } }).replace('  eviction_retries: 10', '  eviction_retries: 10\n  max_active: lots');
    dir.write(text);
    const line = text.split('\n').findIndex((l) => l.includes('max_active: lots')) + 1;
    const r = await runCli(['serve', '--config', dir.configFile]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toMatch(new RegExp(`${dir.configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+`));
    expect(r.stderr).toContain('max_active');
    expect(r.stdout).not.toContain('listening');
  });
});
