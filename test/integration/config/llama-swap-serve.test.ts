import { copyFileSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { ModelView } from '../../../shared/model-view.js';
import { assertBuilt, ServeProcess } from '../../helpers/cli.js';
import { FAKE_BACKEND, http, REPO_ROOT, TAG_VAR, TestDir, taggedPids, waitUntil, type HttpResult } from '../../helpers/loadout.js';

// A llama-swap config.yaml (test/fixtures/llama-swap/config.yaml, written like llama-swap's own
// documented example) run unchanged by a real `loadout serve` against the stand-in backend.

const KEY = { authorization: 'Bearer sk-swap-two' };
const ENV = { NODE: process.execPath, FAKE_BACKEND, WRITER_DELAY_MS: '600000' };
let dir: TestDir;
let serve: ServeProcess;
let url: string;

const api = <T = unknown>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> => http<T>(url, method, path, body, KEY);
const state = async (name: string) => (await api<ModelView>('GET', `/api/models/${name}`)).json.state;
const waitState = (name: string, want: string) => waitUntil(async () => (await state(name)) === want, 20_000, `${name} ${want}`);
async function events(): Promise<LoadoutEvent[]> {
  return (await api<{ events: LoadoutEvent[] }>('GET', '/api/events?after=0&limit=1000')).json.events;
}
async function waitEvent(pred: (e: LoadoutEvent) => boolean, what: string): Promise<LoadoutEvent> {
  let found: LoadoutEvent | undefined;
  await waitUntil(async () => (found = (await events()).find(pred)) !== undefined, 20_000, what);
  return found!;
}

beforeAll(async () => {
  assertBuilt();
  dir = new TestDir();
  copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'llama-swap', 'config.yaml'), dir.configFile);
  serve = new ServeProcess(dir.configFile, ['--listen', '127.0.0.1:0'], { ...ENV, XDG_STATE_HOME: dir.path, [TAG_VAR]: dir.tag });
  url = await serve.url;
});

afterAll(async () => {
  serve.kill('SIGTERM');
  const exit = await serve.exited;
  const left = taggedPids(dir.tag);
  await dir.cleanup();
  expect(exit.code).toBe(0);
  expect(left).toEqual([]);
});

describe('loadout serve with a llama-swap config', () => {
  it('starts, warns once about what it ignores, and preloads hooks.on_startup.preload', async () => {
    await waitState('always', 'ready');
    expect(serve.stderr.match(/llama-swap config: ignoring/g)).toHaveLength(1);
    expect(serve.stderr).toContain('ignoring logLevel, logToStdout');
  });

  it('requires one of apiKeys', async () => {
    expect((await http(url, 'GET', '/v1/models')).status).toBe(401);
    expect((await http(url, 'GET', '/v1/models', undefined, { authorization: 'Bearer sk-swap-one' })).status).toBe(200);
  });

  it('lists models with their names, without aliases or unlisted ones', async () => {
    const list = (await api<{ data: { id: string; name?: string; description?: string }[] }>('GET', '/v1/models')).json.data;
    expect(list.map((m) => m.id).sort()).toEqual(['coder', 'elsewhere', 'embedder', 'reranker', 'stubborn', 'writer']);
    expect(list.find((m) => m.id === 'coder')).toMatchObject({ name: 'Coder 7B', description: 'answers in code' });
  });

  it('routes an alias, renames the model upstream and applies the filters', async () => {
    const chat = await api<{ model: string }>('POST', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(200);
    expect(chat.json.model).toBe('coder-upstream');
    type Echo = { echo: { body: Record<string, unknown> } };
    const plain = await api<Echo>('POST', '/v1/rerank', { model: 'coder', query: 'q', temperature: 0.2, top_p: 0.9 });
    expect(plain.json.echo.body).toEqual({ model: 'coder-upstream', query: 'q', max_tokens: 256, seed: 7 });
    const own = await api<Echo>('POST', '/v1/rerank', { model: 'coder', query: 'q', max_tokens: 9, seed: 1 });
    expect(own.json.echo.body).toMatchObject({ max_tokens: 9, seed: 7 });
  });

  it('swaps within a swap group, and leaves the persistent group loaded', async () => {
    await waitState('coder', 'ready');
    const load = await api<ModelView>('POST', '/api/models/writer/load');
    expect(load.json.state).toBe('ready');
    expect(await state('coder')).toBe('stopped');
    const evicted = await waitEvent((e) => e.type === 'model_evicted' && e.model === 'coder', 'coder evicted');
    expect(evicted.reason).toBe('group');
    expect(await state('always')).toBe('ready');
  });

  it('answers 429 beyond concurrencyLimit, never queueing', async () => {
    // The writer answers after 10 minutes: the first request stays in flight until the client leaves.
    const first = request({ host: '127.0.0.1', port: new URL(url).port, method: 'POST', path: '/v1/chat/completions', headers: { ...KEY, 'content-type': 'application/json' } });
    first.on('error', () => undefined);
    first.end(JSON.stringify({ model: 'writer', messages: [] }));
    await waitUntil(async () => (await api<ModelView>('GET', '/api/models/writer')).json.inflight === 1, 20_000, 'writer busy');
    const second = await api<{ error: { code: string } }>('POST', '/v1/chat/completions', { model: 'writer', messages: [] });
    expect(second.status).toBe(429);
    expect(second.json.error.code).toBe('too_many_requests');
    first.destroy();
    await waitUntil(async () => (await api<ModelView>('GET', '/api/models/writer')).json.inflight === 0, 20_000, 'writer idle');
  });

  it('runs a non-exclusive, non-swap group side by side; an exclusive group unloads it', async () => {
    expect((await api<ModelView>('POST', '/api/models/embedder/load')).json.state).toBe('ready');
    expect((await api<ModelView>('POST', '/api/models/reranker/load')).json.state).toBe('ready');
    expect(await state('embedder')).toBe('ready');
    expect((await api<ModelView>('POST', '/api/models/coder/load')).json.state).toBe('ready');
    expect(await state('embedder')).toBe('stopped');
    expect(await state('reranker')).toBe('stopped');
    expect(await state('always')).toBe('ready');
  });

  it('streams the loading state as reasoning_content, then the answer (sendLoadingState)', async () => {
    expect(await state('reranker')).toBe('stopped');
    const r = await api('POST', '/v1/chat/completions', { model: 'reranker', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream');
    const data = r.text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    type Chunk = { choices: { delta: { reasoning_content?: string; content?: string } }[] };
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
    const reasoning = chunks.map((c) => c.choices[0]!.delta.reasoning_content ?? '').join('');
    expect(reasoning).toMatch(/^loading model reranker( \(usually \d+\.\ds\))?( waiting for [\w, -]+)?\.* ready in \d+\.\ds\n$/);
    const firstContent = chunks.findIndex((c) => c.choices[0]!.delta.content);
    expect(firstContent).toBeGreaterThan(0);
    expect(chunks.slice(firstContent).some((c) => c.choices[0]!.delta.reasoning_content)).toBe(false);
    // A model already loaded answers as usual.
    const again = await api('POST', '/v1/chat/completions', { model: 'reranker', stream: true, messages: [] });
    expect(again.text).not.toContain('reasoning_content');
  });

  it('reaches a backend on another address through proxy', async () => {
    const r = await api<{ choices: { message: { content: string } }[] }>('POST', '/v1/chat/completions', { model: 'elsewhere', messages: [] });
    expect(r.status).toBe(200);
    expect(r.json.choices[0]!.message.content).toMatch(/^hello from elsewhere pid \d+$/);
    const logs = (await api<{ lines: { text: string }[] }>('GET', '/api/models/elsewhere/logs?tail=50')).json.lines.map((l) => l.text);
    expect(logs.some((l) => /listening on http:\/\/127\.0\.0\.2:/.test(l))).toBe(true);
  });

  it('writes a pin into the llama-swap file itself, which still loads', async () => {
    const pinned = await api<ModelView>('PUT', '/api/models/always/pinned', { pinned: true });
    expect(pinned.json.pinned).toBe(true);
    expect(readFileSync(dir.configFile, 'utf8')).toMatch(/"always":\n(?:.*\n)*?\s+pinned: true/);
    const reread = await loadConfig(dir.configFile, { env: ENV });
    if (!reread.ok) throw new Error(JSON.stringify(reread.error));
    expect(reread.config.models.find((m) => m.name === 'always')).toMatchObject({ pinned: true, preload: true, groups: [] });
    expect((await api<ModelView>('GET', '/api/models/always')).json.pinned).toBe(true);
  });

  it('unloads after ttl with cmdStop, which stops a backend that ignores SIGTERM', async () => {
    const r = await api<{ model: string }>('POST', '/v1/chat/completions', { model: 'stubborn', messages: [] });
    expect(r.status).toBe(200);
    const idle = await waitEvent((e) => e.type === 'model_evicted' && e.model === 'stubborn', 'stubborn evicted');
    expect(idle.reason).toBe('idle');
    const stopped = await waitEvent((e) => e.type === 'model_stopped' && e.model === 'stubborn', 'stubborn stopped');
    // Interrupted by `kill -s INT ${PID}` (the stand-in exits 130 on SIGINT), long before
    // unloadTimeout (60 s) would have forced it with SIGKILL.
    expect(stopped.data).toMatchObject({ exit_code: 130, signal: null });
    expect(await state('always')).toBe('ready');
  });
});
