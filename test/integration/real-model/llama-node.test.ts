import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModels } from '../../helpers/gguf/tiny-models.js';
import { REPO_ROOT, TAG_VAR, teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';
import { realBackendConfigHead } from '../../helpers/openai-serve.js';

/** Loading real models on a busy shared machine takes seconds: a generous bound, never a measured time. */
const REAL_MODEL_TIMEOUT_MS = 120_000;

// Loadout in front of a real llama.cpp inference server (a stand-in llama-server on node-llama-cpp,
// a project dependency) on tiny GGUF models generated in test setup: real model loading, real
// generation, real streaming. These always run.

const SERVER = join(REPO_ROOT, 'test', 'fixtures', 'llama-node-server.mjs');

describe('a real llama.cpp backend (node-llama-cpp)', { timeout: REAL_MODEL_TIMEOUT_MS }, () => {
  const dir = new TestDir();
  let svc: TestService;

  beforeAll(async () => {
    const GGUF = join(dir.path, 'models');
    writeTinyModels(GGUF);
    const q = JSON.stringify;
    svc = await TestService.start(dir, [
      '# real model tests',
      ...realBackendConfigHead(dir, { stop_timeout: '5s', health_timeout: '60s' }),
      'backends:',
      '  llama-node:',
      `    cmd: ${q(`${q(process.execPath)} ${q(SERVER)} --port \${PORT} --model \${MODEL} --name \${NAME} \${ARGS}`)}`,
      '    health: /health',
      `    env: { ${TAG_VAR}: ${q(dir.tag)} }`,
      'models:',
      '  tiny:',
      '    backend: llama-node',
      `    model: ${q(join(GGUF, 'tiny-spm.gguf'))}`,
      '    args: --ctx 512',
      '    concurrency_groups: [cpu]',
      '  gpt2:',
      '    backend: llama-node',
      `    model: ${q(join(GGUF, 'tiny-gpt2.gguf'))}`,
      '    args: --ctx 1024',
      '    concurrency_groups: [cpu]',
      '',
    ].join('\n'));
  }, REAL_MODEL_TIMEOUT_MS);

  afterAll(async () => {
    const left = await teardown(svc, dir);
    expect(left, 'inference servers that survived the service').toEqual([]);
  }, REAL_MODEL_TIMEOUT_MS);

  it('estimates each model’s memory from its GGUF header before it is ever loaded', async () => {
    const tiny = await svc.model('tiny');
    const gpt2 = await svc.model('gpt2');
    expect(tiny.vram_estimate_bytes).toBeGreaterThan(600_000); // weights alone are ~0.6 MB
    expect(gpt2.vram_estimate_bytes).toBeGreaterThan(tiny.vram_estimate_bytes!);
  });

  it('loads the model on the first chat request and answers with real generated text, deterministically', async () => {
    const body = { max_tokens: 8, temperature: 0 };
    const first = await svc.chat('tiny', body);
    expect(first.status).toBe(200);
    const text = first.json.choices[0]!.message.content;
    expect(text.length).toBeGreaterThan(0);
    expect((await svc.chat('tiny', body)).json.choices[0]!.message.content).toBe(text);
    const ready = svc.of('model_ready', 'tiny')[0]!;
    expect(ready.data).toMatchObject({ port: expect.any(Number) });
  });

  it('streams tokens through the router as they are generated, and counts the request until the end', async () => {
    // Every change of the model's view is pushed: record its in-flight count over the request.
    const inflight: number[] = [];
    const off = svc.service.onPush((p) => {
      if (p.type === 'model' && p.model.name === 'tiny') inflight.push(p.model.inflight);
    });
    const res = await fetch(`${svc.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', stream: true, max_tokens: 12, temperature: 0, messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const decoder = new TextDecoder();
    let text = '';
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(part, { stream: true });
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events.length).toBeGreaterThan(3); // role, several token chunks, finish, [DONE]
    expect(events[events.length - 1]).toBe('data: [DONE]');
    await waitUntil(() => inflight.at(-1) === 0, 5000, 'the request to end');
    off();
    expect(Math.max(...inflight)).toBe(1);
    expect((await svc.model('tiny')).inflight).toBe(0);
  });

  it('swaps models in the same concurrency group: the other real server is stopped cleanly and is gone', async () => {
    const tinyPid = (await svc.model('tiny')).pid!;
    const r = await svc.chat('gpt2', { max_tokens: 4, temperature: 0 });
    expect(r.status).toBe(200);
    expect(svc.of('model_evicted', 'tiny').map((e) => e.reason)).toEqual(['group']);
    const stopped = svc.of('model_stopped', 'tiny')[0]!;
    expect(stopped.data).toMatchObject({ exit_code: 0 }); // it shut down cleanly on SIGTERM
    expect(existsSync(`/proc/${tinyPid}`)).toBe(false);
    expect((await svc.model('gpt2')).state).toBe('ready');
  });
});
