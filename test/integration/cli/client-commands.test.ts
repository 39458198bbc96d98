import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../../helpers/cli.js';
import { teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';

// The CLI against a running instance (CONTRACT §1): ps, load, unload, pin, events, logs.

let dir: TestDir;
let svc: TestService;
const cli = (...args: string[]) => runCli([...args, '--url', svc.url, '--config', dir.configFile]);

beforeAll(async () => {
  assertBuilt();
  dir = new TestDir();
  svc = await TestService.start(dir, { models: { alpha: { groups: ['g'] }, beta: {}, gamma: { groups: ['g'] }, broken: { args: '--exit-at-start 4 --message "error: cannot open model.gguf"' } } });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

describe('loadout CLI', () => {
  it('`ps` lists every model with its state', async () => {
    const r = await cli('ps');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+PINNED/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['alpha', 'beta', 'broken', 'gamma']);
    expect(lines[1]).toMatch(/^alpha\s+stopped\s+no\b/);
  });

  it('`load NAME` starts the model and prints what it did, with its pid and port; `ps` then shows it ready', async () => {
    const r = await cli('load', 'alpha');
    expect(r.code, r.stderr).toBe(0);
    const view = await svc.model('alpha');
    expect(view.state).toBe('ready');
    // Not a terminal: plain lines, the first when the load begins, the last when it is ready.
    expect(r.stdout.trim().split('\n')).toEqual(['starting alpha', expect.stringMatching(new RegExp(`^alpha ready in \\d+\\.\\d s \\(pid ${view.pid}, port ${view.port}\\)$`))]);
    const again = await cli('load', 'alpha');
    expect(again.stdout.trim()).toBe(`alpha was already loaded (pid ${view.pid}, port ${view.port})`);
    const ps = await cli('ps');
    expect(ps.stdout).toMatch(new RegExp(`^alpha\\s+ready\\s+no\\s+0\\s+.*${view.port}\\s+${view.pid}`, 'm'));
    expect(svc.of('model_starting', 'alpha')[0]!.data).toMatchObject({ trigger: 'api' });
  });

  it('`pin NAME` / `unpin NAME` pin the model and say so', async () => {
    const pin = await cli('pin', 'alpha');
    expect(pin.code).toBe(0);
    expect(pin.stdout.trim()).toBe('alpha pinned');
    expect((await svc.model('alpha')).pinned).toBe(true);
    expect(dir.readConfig()).toMatch(/^ {4}pinned: true/m);
    const unpin = await cli('unpin', 'alpha');
    expect(unpin.code).toBe(0);
    expect(unpin.stdout.trim()).toBe('alpha unpinned');
    expect((await svc.model('alpha')).pinned).toBe(false);
  });

  it('`logs NAME` prints the backend output, each line with its time', async () => {
    const r = await cli('logs', 'alpha');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [ !] build: fake-backend \(alpha\) pid \d+$/m);
    for (const l of r.stdout.trim().split('\n')) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\S+Z [ !] /);
    // The same lines are on disk, after a separator naming the instance's pid.
    const pid = (await svc.model('alpha')).pid;
    const file = join(dir.stateDir, 'logs', 'alpha.log');
    await waitUntil(async () => existsSync(file) && readFileSync(file, 'utf8').includes('all slots are idle'), 5000, file);
    const disk = readFileSync(file, 'utf8').split('\n');
    expect(disk[0]).toMatch(new RegExp(`^── instance \\d+ started \\S+Z \\(pid ${pid}\\) ──$`));
    expect(disk).toContainEqual(expect.stringMatching(/^\S+Z err build: fake-backend \(alpha\) pid \d+$/));
    expect(r.stdout).toContain('all slots are idle');
  });

  it('`load NAME` names the models it unloaded to make room', async () => {
    const r = await cli('load', 'gamma');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['starting gamma', expect.stringMatching(/^gamma ready in /)]);
    const evicted = await svc.waitEvent((e) => e.type === 'model_evicted' && e.model === 'alpha' && e.data.for === 'gamma');
    expect(lines.slice(2)).toEqual([`  ${evicted.message}`]);
    expect(lines[2]).toContain('alpha');
    expect((await svc.model('alpha')).state).toBe('stopped');
    expect((await cli('unload', 'gamma')).code).toBe(0);
    expect((await cli('load', 'alpha')).code).toBe(0);
  });

  it('`unload NAME` stops the model and says so; a second unload says there was nothing to do', async () => {
    const pid = (await svc.model('alpha')).pid;
    const r = await cli('unload', 'alpha');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`alpha unloaded (was ready, pid ${pid})`);
    expect((await svc.model('alpha')).state).toBe('stopped');
    const again = await cli('unload', 'alpha');
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('alpha was not loaded; nothing to do');
  });

  it('`events` prints the event log as sentences with seq and time, the type and reason after', async () => {
    const r = await cli('events');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(svc.events.length);
    expect(r.stdout).toMatch(/^\s*\d+\s+\d{4}-\d\d-\d\dT\S+Z\s+Loading alpha \(asked through the API\)\s+\[model_starting\]$/m);
    expect(r.stdout).toMatch(/alpha was unloaded\s+\[model_stopped manual\]$/m);
    expect(r.stdout).toMatch(/alpha was pinned: it stays loaded\s+\[model_pinned\]$/m);
    const after = await cli('events', '--after', String(svc.events[svc.events.length - 2]!.seq));
    expect(after.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('a failed load exits 1 and prints the reason with the exit code and last log line', async () => {
    const r = await cli('load', 'broken');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken');
    expect(r.stderr).toMatch(/\b4\b/);
    expect(r.stderr).toContain('error: cannot open model.gguf');
    const unknown = await cli('load', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nope');
  });

  it('a command that cannot reach the service exits 1 with a hint', async () => {
    const r = await runCli(['ps', '--url', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Loadout/);
  });
});
