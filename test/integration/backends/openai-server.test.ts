import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailable, type Generation, type Inference } from '../../../electron/engine/backends/openai/inference.js';
import { createOpenAiServer } from '../../../electron/engine/backends/openai/openai-server.js';
import { http, type ErrorJson } from '../../helpers/loadout.js';

// The OpenAI face the built-in backend and the gRPC bridge share, on a real port, over a scripted
// Inference: what the router and the engine see of a loading, answering or broken backend.

type Gen = (onText: (t: string) => void, signal: AbortSignal) => Promise<Generation>;

class ScriptedInference implements Inference {
  readyModel: string | null = null;
  healthy?: (signal: AbortSignal) => Promise<boolean>;
  next: Gen = async () => ({ text: '', finishReason: 'stop', promptTokens: 0, completionTokens: 0 });
  chat(_req: unknown, onText: (t: string) => void, signal: AbortSignal) {
    return this.next(onText, signal);
  }
  complete(_req: unknown, onText: (t: string) => void, signal: AbortSignal) {
    return this.next(onText, signal);
  }
  async embed() {
    return { vectors: [[0.25, 0.5]], promptTokens: 1 };
  }
}

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(inf: Inference): Promise<string> {
  const server = createOpenAiServer(inf, { now: () => 1_700_000_000_000 });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('the OpenAI server of the built-in and gRPC backends', () => {
  it('answers /health 503 "Loading model" until the model serves, then 200, as llama-server does', async () => {
    const inf = new ScriptedInference();
    const url = await serve(inf);
    expect((await http(url, 'GET', '/health')).status).toBe(503);
    expect((await http(url, 'POST', '/v1/chat/completions', chat)).status).toBe(503);
    inf.readyModel = 'tiny';
    expect((await http(url, 'GET', '/health')).status).toBe(200);
    expect((await http<{ data: { id: string }[] }>(url, 'GET', '/v1/models')).json.data.map((d) => d.id)).toEqual(['tiny']);
  });

  it('answers /health 503 once ready when the backend behind it stops answering its own health check', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    let alive = true;
    inf.healthy = async () => alive;
    const url = await serve(inf);
    expect((await http(url, 'GET', '/health')).status).toBe(200);
    alive = false;
    const r = await http<{ error: { message: string } }>(url, 'GET', '/health');
    expect(r.status).toBe(503);
    expect(r.json.error.message).toBe('Backend not answering');
  });

  it('streams SSE chunks: role, one per piece of text, the finish reason, usage when asked, [DONE]', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    inf.next = async (onText) => {
      onText('hel');
      await new Promise((r) => setImmediate(r)); // the next token comes in a later turn, as llama.cpp's do
      onText('lo');
      return { text: 'hello', finishReason: 'length', promptTokens: 3, completionTokens: 2 };
    };
    const url = await serve(inf);
    const r = await http(url, 'POST', '/v1/chat/completions', { ...chat, stream: true, stream_options: { include_usage: true } });
    expect(r.headers['content-type']).toBe('text/event-stream');
    const events = r.text.split('\n\n').filter(Boolean).map((e) => e.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { model: string; choices: { delta?: object; finish_reason: string | null }[]; usage?: object });
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([{ role: 'assistant', content: '' }, { content: 'hel' }, { content: 'lo' }, {}, null]);
    expect(chunks[3]!.choices[0]!.finish_reason).toBe('length');
    expect(chunks[4]!.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set(['tiny']));
  });

  it('sends pieces generated in the same turn as one chunk, text and order intact', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    inf.next = async (onText) => {
      onText('a "b"');
      onText('\nc');
      await new Promise((r) => setImmediate(r));
      onText('d');
      onText('é');
      return { text: 'a "b"\ncdé', finishReason: 'stop', promptTokens: 1, completionTokens: 4 };
    };
    const url = await serve(inf);
    const r = await http(url, 'POST', '/v1/completions', { model: 'm', prompt: 'x', stream: true });
    const events = r.text.split('\n\n').filter(Boolean).map((e) => e.slice('data: '.length));
    const texts = events.slice(0, -1).map((e) => (JSON.parse(e) as { choices: { text: string }[] }).choices[0]!.text);
    expect(texts).toEqual(['a "b"\nc', 'dé', '']);
  });

  it('answers 502 when the backend is unavailable before anything was sent', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    inf.next = () => Promise.reject(new BackendUnavailable('gone'));
    const url = await serve(inf);
    const r = await http<ErrorJson>(url, 'POST', '/v1/chat/completions', chat);
    expect(r.status).toBe(502);
    expect(r.json.error).toMatchObject({ code: 'backend_error', message: 'gone' });
  });

  it('resets a stream that already started when the backend becomes unavailable, so it cannot pass for a complete answer', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    inf.next = async (onText) => {
      onText('partial');
      throw new BackendUnavailable('gone');
    };
    const url = await serve(inf);
    await expect(http(url, 'POST', '/v1/chat/completions', { ...chat, stream: true })).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
  });

  it('aborts the generation when the client disconnects', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    let aborted!: () => void;
    const sawAbort = new Promise<void>((r) => (aborted = r));
    let started!: () => void;
    const sawStart = new Promise<void>((r) => (started = r));
    inf.next = (onText, signal) =>
      new Promise((resolve) => {
        onText('first');
        started();
        signal.addEventListener('abort', () => {
          aborted();
          resolve({ text: 'first', finishReason: 'stop', promptTokens: 0, completionTokens: 1 });
        });
      });
    const url = new URL(await serve(inf));
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined); // destroyed on purpose below
    req.end(JSON.stringify({ ...chat, stream: true }));
    await sawStart;
    req.destroy();
    await sawAbort;
  });

  it('answers an unknown route with 404 and a wrong body with 400 naming the field', async () => {
    const inf = new ScriptedInference();
    inf.readyModel = 'tiny';
    const url = await serve(inf);
    expect((await http(url, 'POST', '/v1/images/generations', {})).status).toBe(404);
    const bad = await http<ErrorJson>(url, 'POST', '/v1/embeddings', { input: 42 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^input: /);
    expect((await http(url, 'POST', '/v1/chat/completions', '{not json')).status).toBe(400);
  });
});
