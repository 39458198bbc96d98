import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { assertBuilt, serveProcesses } from '../../helpers/cli.js';
import { alive, gone, http, pidFromLog, taggedPids, teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';

// Issue 8: a backend's child that calls setsid leaves the backend's process group, so group signals
// miss it. On Linux Loadout tracks such descendants and stops them with the group: on unload, on
// shutdown, when the backend dies on its own, and in the reaper after Loadout itself was killed.

let dir: TestDir;
let svc: TestService | null = null;

beforeAll(() => assertBuilt());

afterEach(async () => {
  const left = await teardown(svc, dir);
  svc = null;
  expect(left, 'processes of the test that survived').toEqual([]);
});

// Registered after the leftover check, so the serve processes are killed before it runs.
const serve = serveProcesses();
const setsidChild = (url: string, model: string) => pidFromLog(url, model, /setsid child (\d+)/);

function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

describe.runIf(process.platform === 'linux')('backends whose children call setsid', () => {
  it('stops the setsid child on unload and on shutdown', async () => {
    dir = new TestDir();
    svc = await TestService.start(dir, { models: { a: { args: '--setsid-child' }, b: { args: '--setsid-child' } } });
    const a = await svc.load('a');
    expect(a.status).toBe(200);
    const childA = await setsidChild(svc.url, 'a');
    expect(alive(childA)).toBe(true);
    expect(sessionOf(childA), 'the child runs in a session of its own').toBe(childA);

    expect((await svc.unload('a')).status).toBe(200);
    expect(await gone(childA, 3000), `setsid child ${childA} survived the unload`).toBe(true);

    expect((await svc.load('b')).status).toBe(200);
    const childB = await setsidChild(svc.url, 'b');
    await svc.stop();
    svc = null;
    expect(await gone(childB, 3000), `setsid child ${childB} survived the shutdown`).toBe(true);
  });

  it('stops the setsid child of a backend that died on its own', async () => {
    dir = new TestDir();
    svc = await TestService.start(dir, { models: { a: { args: '--setsid-child' } } });
    const a = await svc.load('a');
    const child = await setsidChild(svc.url, 'a');
    process.kill(a.json.pid!, 'SIGKILL');
    await svc.waitType('model_stopped', 'a');
    expect(await gone(child, 3000), `setsid child ${child} survived its backend`).toBe(true);
  });

  it('reaps the setsid child of a backend left behind by a killed Loadout', async () => {
    dir = new TestDir();
    dir.write({ models: { a: { args: '--setsid-child' } } });
    const first = serve(dir.configFile);
    const url = await first.url;
    const loaded = await http<ModelView>(url, 'POST', '/api/models/a/load');
    expect(loaded.status).toBe(200);
    const child = await setsidChild(url, 'a');
    // The run record names the child once the backend is ready.
    await waitUntil(() => readFileSync(`${dir.stateDir}/runs/${loaded.json.pid}.json`, 'utf8').includes(`"pid":${child}`), 5000, 'the child in the run record');

    first.kill('SIGKILL');
    await first.exited;
    expect(alive(loaded.json.pid!)).toBe(true);
    expect(alive(child)).toBe(true);

    const second = serve(dir.configFile);
    await second.url;
    expect(await gone(child, 3000), `setsid child ${child} survived the reaper`).toBe(true);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(taggedPids(dir.tag)).toEqual([]);
  });
});
