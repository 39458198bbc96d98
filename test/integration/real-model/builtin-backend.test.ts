import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../electron/engine/gpu/find-executable.js';
import type { ModelView } from '../../../shared/model-view.js';
import { alive, http, TAG_VAR, TestDir, type ErrorJson } from '../../helpers/loadout.js';
import { OpenAiServe, realBackendConfigHead } from '../../helpers/openai-serve.js';

/** Loading real models on a busy shared machine takes seconds: a generous bound, never a measured time. */
const REAL_MODEL_TIMEOUT_MS = 120_000;

// The built-in backend (node-llama-cpp, a project dependency) on the tiny GGUF fixtures, under a
// real `loadout serve`, through the `openai` npm client: real model loading, real generation, real
// embeddings. These need node-llama-cpp's prebuilt binaries and always run.

const TINY = fileURLToPath(new URL('../../fixtures/gguf/tiny-spm.gguf', import.meta.url));
const GPT2 = fileURLToPath(new URL('../../fixtures/gguf/tiny-gpt2.gguf', import.meta.url));

const dir = new TestDir();
let serve: OpenAiServe;
let url: string;
let client: OpenAI;

beforeAll(async () => {
  const q = JSON.stringify;
  const env = `    env: { ${TAG_VAR}: ${q(dir.tag)} }`;
  serve = await OpenAiServe.start(dir, [
    ...realBackendConfigHead(dir, { stop_timeout: '5s', health_timeout: '60s' }),
    'models:',
    '  tiny:',
    '    backend: builtin',
    `    model: ${q(TINY)}`,
    // One thread: generation on a shared 2-core machine crawls with more.
    '    args: -c 1024 -np 2 -t 1 --embeddings',
    env,
    '  plain:', // neither backend nor cmd: llama-server when installed, else the built-in
    `    model: ${q(GPT2)}`,
    '    args: -c 256 -t 1',
    env,
    '  chat-only:',
    '    backend: builtin',
    `    model: ${q(GPT2)}`,
    '    args: -c 256 -t 1',
    env,
  ]);
  ({ url, client } = serve);
}, REAL_MODEL_TIMEOUT_MS);

afterAll(async () => {
  const { code, left } = await serve.stop(dir);
  expect(code).toBe(0);
  expect(left, 'built-in backends that outlived loadout serve').toEqual([]);
}, REAL_MODEL_TIMEOUT_MS);

describe('the built-in backend (node-llama-cpp)', { timeout: REAL_MODEL_TIMEOUT_MS }, () => {
  it('runs a model with only a model file on llama-server when installed, else on the built-in backend, and says which', async () => {
    const expected = (await findExecutable('llama-server', process.env)) ? 'llama-server' : 'builtin';
    expect((await http<ModelView>(url, 'GET', '/api/models/plain')).json.backend).toBe(expected);
    expect((await http<ModelView>(url, 'GET', '/api/models/tiny')).json.backend).toBe('builtin');
  });

  it('answers a chat with generated text under the model name, deterministically at temperature 0', async () => {
    const ask = () => client.chat.completions.create({ model: 'tiny', max_tokens: 8, temperature: 0, messages: [{ role: 'user', content: 'hello' }] });
    const first = await ask();
    expect(first.model).toBe('tiny');
    expect(first.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(first.choices[0]!.finish_reason).toBe('length');
    expect(first.usage).toMatchObject({ completion_tokens: 8 });
    expect(first.usage!.prompt_tokens).toBeGreaterThan(1);
    expect((await ask()).choices[0]!.message.content).toBe(first.choices[0]!.message.content);
  });

  it('streams the same answer token by token', async () => {
    const body = { model: 'tiny', max_tokens: 8, temperature: 0, messages: [{ role: 'user' as const, content: 'hello' }] };
    const whole = (await client.chat.completions.create(body)).choices[0]!.message.content;
    const deltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of await client.chat.completions.create({ ...body, stream: true })) {
      const c = chunk.choices[0];
      if (c?.delta.content) deltas.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(whole);
    expect(finish).toBe('length');
  });

  it('without max_tokens, stops when the slot’s context is full (the fixture never emits an end token)', async () => {
    const r = await client.chat.completions.create({ model: 'tiny', temperature: 0, messages: [{ role: 'user', content: 'go on' }] });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage!.prompt_tokens + r.usage!.completion_tokens).toBe(512); // -c 1024 shared by -np 2
  });

  it('continues a raw prompt on /v1/completions', async () => {
    const r = await client.completions.create({ model: 'tiny', prompt: 'once upon a time', max_tokens: 5, temperature: 0 });
    expect(r.choices[0]!.text.length).toBeGreaterThan(0);
    expect(r.usage).toMatchObject({ completion_tokens: 5 });
  });

  it('embeds text with the model: one vector of the model’s width per input, equal inputs equal vectors', async () => {
    const r = await client.embeddings.create({ model: 'tiny', input: ['hello world', 'something else', 'hello world'] });
    const [a, b, c] = r.data.map((d) => d.embedding);
    expect(a).toHaveLength(64); // n_embd of tiny-spm
    expect(a!.every((x) => Number.isFinite(x))).toBe(true);
    expect(c).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('refuses embeddings for a model not configured for them, naming the fix', async () => {
    const r = await http<ErrorJson>(url, 'POST', '/v1/embeddings', { model: 'chat-only', input: 'x' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('not configured for embeddings');
  });

  it('runs under Loadout’s own Node with ELECTRON_RUN_AS_NODE, prints its load progress, and is gone after unload', async () => {
    const view = (await http<ModelView>(url, 'GET', '/api/models/tiny')).json;
    expect(view.state).toBe('ready');
    const pid = view.pid!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline[0]).toBe(process.execPath);
    expect(cmdline[1]).toMatch(/dist\/electron\/engine\/backends\/builtin\/server\.js$/);
    expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).toContain('\0ELECTRON_RUN_AS_NODE=1\0');
    const lines = await serve.logLines('tiny');
    expect(lines).toContain('load_progress: 100%');
    expect(lines.some((l) => /2 slot\(s\) of 512 tokens/.test(l))).toBe(true);

    const stopped = await http<ModelView>(url, 'POST', '/api/models/tiny/unload');
    expect(stopped.json.state).toBe('stopped');
    expect(alive(pid)).toBe(false);
  });
});
