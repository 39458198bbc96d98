import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { assertBuilt, ServeProcess } from '../../helpers/cli.js';
import { http, REPO_ROOT, TestDir, taggedPids, waitUntil } from '../../helpers/loadout.js';

// Lifecycle hooks under a real `loadout serve`: each gets its event as JSON on stdin, in the order
// the events happened; a failing or hanging hook is logged and changes nothing else.

const RECORD = join(REPO_ROOT, 'test', 'fixtures', 'record-hook.mjs');
const q = JSON.stringify;
let dir: TestDir;
let serve: ServeProcess | null = null;

interface Recorded {
  hook: string;
  payload: { hook: string; model: string | null; instance: number | null; event: { type: string; reason: string | null; model: string; data: Record<string, unknown> } | null };
}

beforeAll(() => assertBuilt());

afterEach(async () => {
  serve?.kill('SIGTERM');
  await serve?.exited;
  serve = null;
  const left = taggedPids(dir.tag);
  await dir.cleanup();
  expect(left).toEqual([]);
});

function hooksYaml(file: string): string {
  const record = `${q(process.execPath)} ${q(RECORD)} ${q(file)}`;
  const fails = `${q(process.execPath)} -e ${q('process.exit(3)')}`;
  const hangs = `${q(process.execPath)} -e ${q('setInterval(() => {}, 1000)')}`;
  return [
    'hooks:',
    '  timeout: 1s',
    `  before_load: ${q(record)}`,
    `  after_ready: [${q(fails)}, ${q(record)}]`,
    `  before_unload: ${q(record)}`,
    `  after_unload: ${q(record)}`,
    `  on_evicted: ${q(record)}`,
    `  on_failed: [${q(hangs)}, ${q(record)}]`,
    '',
  ].join('\n');
}

function recorded(file: string): Recorded[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Recorded);
}

describe('lifecycle hooks', () => {
  it('receive each event as JSON on stdin, in order; failing and hanging hooks are logged, never fatal', async () => {
    dir = new TestDir();
    const file = join(dir.path, 'hooks.jsonl');
    dir.write(dir.yaml({ models: { a: { groups: ['g'] }, b: { groups: ['g'] }, broken: { args: '--exit-at-start 4' } } }) + hooksYaml(file));
    serve = new ServeProcess(dir.configFile, ['--listen', '127.0.0.1:0'], { LOADOUT_LOG_LEVEL: 'info' });
    const url = await serve.url;
    const load = (m: string) => http<ModelView>(url, 'POST', `/api/models/${m}/load`);

    expect((await load('a')).json.state).toBe('ready');
    expect((await load('b')).json.state).toBe('ready'); // evicts a: same group
    expect((await load('broken')).status).toBe(502);
    expect((await http<ModelView>(url, 'POST', '/api/models/b/unload')).json.state).toBe('stopped');

    const want = [
      ['before_load', 'a'], ['after_ready', 'a'],
      ['on_evicted', 'a'], ['before_unload', 'a'], ['after_unload', 'a'], ['before_load', 'b'], ['after_ready', 'b'],
      ['before_load', 'broken'], ['on_failed', 'broken'],
      ['before_unload', 'b'], ['after_unload', 'b'],
    ];
    await waitUntil(() => recorded(file).length >= want.length, 20_000, 'every hook');
    const got = recorded(file);
    expect(got.map((r) => [r.hook, r.payload.model])).toEqual(want);
    for (const r of got) expect(r.payload.hook).toBe(r.hook);

    const [beforeLoad, afterReady, onEvicted, beforeUnload, afterUnload] = got;
    expect(beforeLoad!.payload.event).toMatchObject({ type: 'model_starting', model: 'a', data: { trigger: 'api' } });
    expect(afterReady!.payload.event).toMatchObject({ type: 'model_ready', model: 'a', data: { pid: expect.any(Number) } });
    expect(afterReady!.payload.instance).toBe(beforeLoad!.payload.instance);
    expect(onEvicted!.payload.event).toMatchObject({ type: 'model_evicted', reason: 'group', data: { for: 'b', group: 'g' } });
    expect(beforeUnload!.payload).toMatchObject({ model: 'a', instance: beforeLoad!.payload.instance, event: null });
    expect(afterUnload!.payload.event).toMatchObject({ type: 'model_stopped', reason: 'evicted' });
    expect(got[8]!.payload.event).toMatchObject({ type: 'model_failed', model: 'broken', data: { exit_code: 4 } });

    expect(serve.stderr).toMatch(/"msg":"hook failed".*"exit_code":3/);
    expect(serve.stderr).toMatch(/"msg":"hook timed out; killing it"/);
  });
});
