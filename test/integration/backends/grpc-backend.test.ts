import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { alive, gone, http, TAG_VAR, TestDir, waitUntil, type ErrorJson } from '../../helpers/loadout.js';
import { OpenAiServe, realBackendConfigHead } from '../../helpers/openai-serve.js';

// LocalAI gRPC backends under a real `loadout serve`: a backend written against backend.proto
// (test/fixtures/grpc-backend.mjs) is brought up with Health + LoadModel, and OpenAI clients talk to
// it through /v1 as if it were llama-server.

const GRPC_BACKEND = fileURLToPath(new URL('../../fixtures/grpc-backend.mjs', import.meta.url));
const GGUF = fileURLToPath(new URL('../../fixtures/gguf/tiny-spm.gguf', import.meta.url));

const dir = new TestDir();
let serve: OpenAiServe;
let url: string;
let client: OpenAI;

async function logText(model: string): Promise<string> {
  return (await serve.logLines(model)).join('\n');
}

beforeAll(async () => {
  const q = JSON.stringify;
  const models = join(dir.path, 'models');
  mkdirSync(models);
  // A LocalAI model file naming the backend by a template of the main config.
  writeFileSync(join(models, 'echo-localai.yaml'), ['name: echo-localai', 'backend: localai-echo', 'context_size: 1024', 'parameters:', `  model: ${q(GGUF)}`, ''].join('\n'));
  const template = (extra: string) => `${q(process.execPath)} ${q(GRPC_BACKEND)} --addr 127.0.0.1:\${PORT}${extra}`;
  serve = await OpenAiServe.start(dir, [
    // A health timeout longer than the test's own timeout: a load that waited for it would fail the test.
    ...realBackendConfigHead(dir, { stop_timeout: '2s', health_timeout: '120s' }),
    `models_dir: ${q(models)}`,
    'backends:',
    '  localai-echo:',
    `    cmd: ${q(template(''))}`,
    '    protocol: grpc',
    `    env: { ${TAG_VAR}: ${q(dir.tag)} }`,
    'models:',
    '  echo:',
    '    backend: localai-echo',
    `    model: ${q(GGUF)}`,
    '    args: -c 2048 -ngl 12 -t 3 -np 2 --embeddings use_jinja:true',
    '  refused:',
    `    cmd: ${q(template(' --refuse-load "unsupported model architecture: mamba9"'))}`,
    '    protocol: grpc',
    `    env: { ${TAG_VAR}: ${q(dir.tag)} }`,
    `    model: ${q(GGUF)}`,
    '  nofile:',
    '    backend: localai-echo',
    `    model: ${q(join(dir.path, 'absent.gguf'))}`,
    '  crashes:',
    `    cmd: ${q(template(' --exit-on-predict --no-status'))}`,
    '    protocol: grpc',
    `    env: { ${TAG_VAR}: ${q(dir.tag)} }`,
    `    model: ${q(GGUF)}`,
  ]);
  ({ url, client } = serve);
});

afterAll(async () => {
  const { code, left } = await serve.stop(dir);
  expect(code).toBe(0);
  expect(left, 'gRPC backends that outlived loadout serve').toEqual([]);
});

describe('a LocalAI gRPC backend (protocol: grpc)', () => {
  it('is loaded with Health then LoadModel carrying the model options, and answers a chat through the model template', async () => {
    const r = await client.chat.completions.create({
      model: 'echo',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(r.model).toBe('echo');
    expect(r.choices[0]!.message.content).toBe('echo hello there from 2 messages');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.usage).toMatchObject({ completion_tokens: 6, prompt_tokens: expect.any(Number) });
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);

    const log = await logText('echo');
    const sent = JSON.parse(/LoadModel (\{.*\})/.exec(log)![1]!) as Record<string, unknown>;
    expect(sent).toEqual({
      Model: 'tiny-spm.gguf', ModelFile: GGUF, ModelPath: join(GGUF, '..'), ContextSize: 2048, NGPULayers: 12, Threads: 3,
      Embeddings: true, MMProj: '', Options: ['use_jinja:true', 'parallel:2'],
    });
    expect(log).toContain('gRPC Status READY: 123456789 bytes in use');
    const view = (await http<ModelView>(url, 'GET', '/api/models/echo')).json;
    expect(view).toMatchObject({ state: 'ready', backend: 'localai-echo', inflight: 0 });
    // The port the router talks to is the bridge's; the backend's own gRPC port is another one.
    expect(log).toMatch(new RegExp(`listening on 127\\.0\\.0\\.1:(?!${view.port}\\b)\\d+`));
  });

  it('streams PredictStream replies as chat chunks, keeping characters split across replies whole', async () => {
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'grüße ünd 😀' }] });
    const deltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) deltas.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(deltas.join('')).toBe('echo grüße ünd 😀 from 1 messages');
    // Replies that arrive in the same turn of the event loop share a chunk, so the number of chunks
    // depends on timing; what must hold is that no character was cut in half.
    expect(deltas.join('')).not.toContain('\uFFFD');
    expect(finish).toBe('stop');
  });

  it('honours max_tokens and reports finish_reason length', async () => {
    const r = await client.chat.completions.create({ model: 'echo', max_tokens: 2, messages: [{ role: 'user', content: 'a b c d' }] });
    expect(r.choices[0]!.message.content).toBe('echo a');
    expect(r.choices[0]!.finish_reason).toBe('length');
  });

  it('serves text completions from Predict with the raw prompt', async () => {
    const r = await client.completions.create({ model: 'echo', prompt: 'once upon' });
    expect(r.choices[0]!.text).toBe('continued once upon');
  });

  it('answers embeddings from Embedding, one vector per input', async () => {
    const r = await client.embeddings.create({ model: 'echo', input: ['hello', 'hi'] });
    expect(r.data.map((d) => d.embedding)).toEqual([
      [5, 532 % 97, 1, 0.5],
      [2, 209 % 97, 1, 0.5],
    ]);
  });

  it('loads a LocalAI model file whose backend is a gRPC template', async () => {
    const r = await client.chat.completions.create({ model: 'echo-localai', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0]!.message.content).toBe('echo hi from 1 messages');
    const sent = JSON.parse(/LoadModel (\{.*\})/.exec(await logText('echo-localai'))![1]!) as Record<string, unknown>;
    expect(sent).toMatchObject({ ModelFile: GGUF, ContextSize: 1024 });
  });

  it('answers a bad request with 400 naming the field, and keeps the backend', async () => {
    const r = await http<ErrorJson>(url, 'POST', '/v1/chat/completions', { model: 'echo', messages: [{ role: 'wizard', content: 'x' }] });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('messages.0.role');
    expect((await http<ModelView>(url, 'GET', '/api/models/echo')).json.state).toBe('ready');
  });

  it('fails a load at once with the reason LoadModel gave, and leaves no process behind', async () => {
    const r = await http<ErrorJson>(url, 'POST', '/api/models/refused/load');
    expect(r.status).toBe(502);
    expect(r.json.error.message).toContain('LoadModel failed: unsupported model architecture: mamba9');
    const view = (await http<ModelView>(url, 'GET', '/api/models/refused')).json;
    expect(view.state).toBe('failed');
    expect(view.error!.message).toContain('mamba9');
    expect(view.pid).toBeNull();
  });

  it('fails a load at once with model_file_invalid when its GGUF file is missing, before anything is started', async () => {
    const r = await http<ErrorJson>(url, 'POST', '/api/models/nofile/load');
    expect(r.status).toBe(502);
    expect(r.json.error.code).toBe('model_file_invalid');
    expect(r.json.error.message).toMatch(/model file not found: .*absent\.gguf/);
    const view = (await http<ModelView>(url, 'GET', '/api/models/nofile')).json;
    expect(view).toMatchObject({ state: 'failed', pid: null, error: { code: 'model_file_invalid' } });
    expect(await logText('nofile')).not.toMatch(/gRPC Health ok/);
  });

  it('breaks the stream when the backend dies mid-generation (UNAVAILABLE), and starts a fresh instance for the next request', async () => {
    const first = (await http<ModelView>(url, 'POST', '/api/models/crashes/load')).json;
    expect(first.state).toBe('ready');
    const stream = await client.chat.completions.create({ model: 'crashes', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow();
    expect(await gone(first.pid!, 5000)).toBe(true);
    await waitUntil(async () => (await http<ModelView>(url, 'GET', '/api/models/crashes')).json.state !== 'ready', 5000, 'the crash to be noticed');
    // The next request gets a new process (which will crash again on its first generation).
    const second = (await http<ModelView>(url, 'POST', '/api/models/crashes/load')).json;
    expect(second.state).toBe('ready');
    expect(second.pid).not.toBe(first.pid);
  });

  it('stops the backend process and its bridge on unload', async () => {
    const view = (await http<ModelView>(url, 'POST', '/api/models/echo/load')).json;
    const stopped = await http<ModelView>(url, 'POST', '/api/models/echo/unload');
    expect(stopped.json.state).toBe('stopped');
    expect(alive(view.pid!)).toBe(false);
    // The bridge port is closed with it.
    await expect(fetch(`http://127.0.0.1:${view.port}/health`)).rejects.toThrow();
  });
});
