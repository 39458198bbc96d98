import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { ModelView } from '../../../shared/model-view.js';
import { assertBuilt, runCli, serveProcesses } from '../../helpers/cli.js';
import { alive, http, TestDir } from '../../helpers/loadout.js';

// Issue 8: a second Loadout on the same state dir reaped the first one's live backends as "left over
// from a crash" and numbered events twice. Now it refuses, naming the running one.

let dir: TestDir;

beforeAll(() => assertBuilt());

afterEach(async () => {
  await dir.cleanup();
});

const startServe = serveProcesses();
const serve = (extra: string[] = []) => startServe(dir.configFile, extra);

describe('one Loadout per state dir', () => {
  it('a second serve exits non-zero naming the running one, and leaves its backends alone', async () => {
    dir = new TestDir();
    dir.write({ models: { a: {} } });
    const first = serve();
    const url = await first.url;
    const loaded = await http<ModelView>(url, 'POST', '/api/models/a/load');
    expect(loaded.status).toBe(200);

    const second = serve(['--listen', '127.0.0.1:0']);
    second.url.catch(() => undefined); // it never listens: that is the point
    const exit = await second.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toContain(`listening on ${url}`);
    expect(second.stderr).toContain('`loadout ps`');
    expect(second.stdout).not.toContain('loadout listening');

    expect(alive(loaded.json.pid!)).toBe(true);
    expect((await http<ModelView>(url, 'GET', '/api/models/a')).json.state).toBe('ready');
    const events = (await http<{ events: LoadoutEvent[] }>(url, 'GET', '/api/events?after=0')).json.events;
    expect(events.map((e) => e.type)).not.toContain('orphans_reaped');
  });

  it('`loadout ps` finds the running instance through the state dir, wherever it listens', async () => {
    dir = new TestDir();
    dir.write({ models: { a: {} } }); // listen: 127.0.0.1:0, so only the lock can tell the port
    const first = serve();
    const url = await first.url;
    expect((await http(url, 'POST', '/api/models/a/load')).status).toBe(200);
    const ps = await runCli(['ps', '--config', dir.configFile]);
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout).toMatch(/\ba\b.*ready/);
  });

  it('a serve started after the first one stopped takes the state dir', async () => {
    dir = new TestDir();
    dir.write({ models: { a: {} } });
    const first = serve();
    await first.url;
    first.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit, first.stderr).toEqual({ code: 0, signal: null });
    const second = serve();
    await second.url;
  });
});
