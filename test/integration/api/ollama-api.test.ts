import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, perTestService, teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';

// The Ollama-compatible API, spoken to by the official `ollama` client (CONTRACT §8, issue 11),
// next to the OpenAI router, spoken to by the official `openai` client.

const MODELS = {
  chat: { aliases: ['chat-alias'], args: '-c 4096 --stream-chunks 4 --chunk-delay 20 --jinja' },
  embed: { args: '--embedding' },
  resident: { pinned: true },
  hidden: { unlisted: true },
  slow: { unlisted: true, args: '--stream-chunks 50 --chunk-delay 100' },
  crashy: { unlisted: true, args: '--crash-on-request' },
};

describe('the ollama client against loadout', () => {
  let dir: TestDir;
  let svc: TestService;
  let ollama: Ollama;

  beforeAll(async () => {
    dir = new TestDir();
    svc = await TestService.start(dir, { models: MODELS, watchdog: { idle_check: true, idle_timeout: '10m' } });
    ollama = new Ollama({ host: svc.url });
  });

  afterAll(async () => {
    const left = await teardown(svc, dir);
    expect(left, 'backend processes that survived the service').toEqual([]);
  });

  it('lists every listed model with its capabilities', async () => {
    const { models } = await ollama.list();
    expect(models.map((m) => m.name)).toEqual(['chat', 'embed', 'resident']);
    const byName = Object.fromEntries(models.map((m) => [m.name, m as typeof m & { capabilities: string[] }]));
    expect(byName.chat!.capabilities).toEqual(['completion', 'tools']);
    expect(byName.embed!.capabilities).toEqual(['embedding']);
    expect(byName.chat!.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows parameters with num_ctx, a template and the context length in model_info', async () => {
    const show = await ollama.show({ model: 'chat' });
    expect(show.parameters.split('\n')).toContain('num_ctx 4096');
    expect(typeof show.template).toBe('string');
    const info = show.model_info as unknown as Record<string, unknown>;
    expect(info[`${String(info['general.architecture'])}.context_length`]).toBe(4096);
    expect(show.capabilities).toContain('completion');
  });

  it('streams a chat record by record while the model counts it in flight', async () => {
    const stream = await ollama.chat({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const parts = [];
    for await (const part of stream) {
      if (parts.length === 0) expect((await svc.model('chat')).inflight).toBe(1);
      parts.push(part);
    }
    const text = parts.map((p) => p.message.content).join('');
    expect(text).toMatch(/^chunk 0 from chat pid \d+ chunk 1 .*chunk 3 from chat pid \d+ $/);
    const last = parts[parts.length - 1]!;
    expect(last).toMatchObject({ model: 'chat', done: true, done_reason: 'stop', prompt_eval_count: 1, eval_count: 4 });
    expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
    await svc.waitModel('chat', (m) => m.inflight === 0);
  });

  it('a client that stops reading a stream aborts the backend\'s answer and ends the request', async () => {
    const stream = await ollama.chat({ model: 'slow', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const read = async () => {
      for await (const part of stream) {
        expect(part.message.content).toMatch(/^chunk 0 /);
        stream.abort();
      }
    };
    await expect(read()).rejects.toThrow(/abort/i);
    await svc.waitModel('slow', (m) => m.inflight === 0);
    await waitUntil(async () => {
      const logs = await svc.req<{ lines: { text: string }[] }>('GET', '/api/models/slow/logs?tail=50');
      return logs.json.lines.some((l) => l.text.includes('stream aborted: client disconnected'));
    }, 5000, 'the backend to see the abort');
  });

  it('answers chat and generate whole, by name, alias or with the :latest tag', async () => {
    const chat = await ollama.chat({ model: 'chat:latest', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.message).toEqual({ role: 'assistant', content: expect.stringMatching(/^hello from chat pid \d+$/) });
    expect(chat).toMatchObject({ done: true, prompt_eval_count: 1, eval_count: 3 });
    const gen = await ollama.generate({ model: 'chat-alias', prompt: 'hi', system: 'be brief' });
    expect(gen.response).toMatch(/^hello from chat pid \d+$/);
  });

  it('embeds one vector per input, in order', async () => {
    const r = await ollama.embed({ model: 'embed', input: ['a', 'bbb'] });
    const pid = (await svc.model('embed')).pid;
    expect(r.embeddings).toEqual([[0, 1, pid], [1, 3, pid]]);
    expect(r.prompt_eval_count).toBe(2);
  });

  it('shows what is loaded: expires_at at the idle deadline, far ahead for pinned models', async () => {
    await svc.load('resident');
    const { models } = await ollama.ps();
    const byName = Object.fromEntries(models.map((m) => [m.name, m as typeof m & { context_length: number }]));
    expect(Object.keys(byName).sort()).toEqual(['chat', 'embed', 'resident', 'slow']);
    expect(new Date(byName.resident!.expires_at).getUTCFullYear()).toBeGreaterThan(2300);
    const deadline = (await svc.model('chat')).idle_deadline;
    expect(new Date(byName.chat!.expires_at).toISOString()).toBe(deadline);
    expect(byName.chat!.context_length).toBe(4096);
    expect(byName.chat!.size_vram).toBe(0);
  });

  it('answers errors in Ollama\'s shape: unknown model 404, a bad field 400 naming it', async () => {
    await expect(ollama.chat({ model: 'nope', messages: [] })).rejects.toMatchObject({ status_code: 404, error: 'model "nope" not found' });
    const bad = await http<{ error: string; code: string }>(svc.url, 'POST', '/api/chat', { model: 'chat', messages: 'hi' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^messages: /);
    const ka = await http<{ error: string }>(svc.url, 'POST', '/api/embed', { model: 'embed', input: 'x', keep_alive: 'later' });
    expect(ka.status).toBe(400);
    expect(ka.json.error).toMatch(/^keep_alive: /);
  });

  it('answers a backend that dies during a chat with its exit code and last log line, as the OpenAI router does', async () => {
    expect((await svc.load('crashy')).status).toBe(200);
    const err = (await ollama.chat({ model: 'crashy', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as { status_code: number; error: string };
    expect(err.status_code).toBe(502);
    expect(err.error).toMatch(/crashy backend exited with code 3 during the request/);
    expect(err.error).toContain('crash: request to /v1/chat/completions crashed the backend');
    const view = await svc.waitModel('crashy', (m) => m.state === 'failed');
    expect(view.inflight).toBe(0);
  });

  it('leaves Loadout\'s own /api routes as they are', async () => {
    const r = await svc.req<{ models: { name: string }[] }>('GET', '/api/models');
    expect(r.json.models.map((m) => m.name)).toEqual(['chat', 'crashy', 'embed', 'hidden', 'resident', 'slow']);
    expect((await svc.req('POST', '/api/version')).status).toBe(404);
  });

  it('the openai client keeps working against /v1, streaming included', async () => {
    const openai = new OpenAI({ baseURL: `${svc.url}/v1`, apiKey: 'unused' });
    const ids = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(['chat', 'chat-alias', 'embed', 'resident']);
    const c = await openai.chat.completions.create({ model: 'chat-alias', messages: [{ role: 'user', content: 'hi' }] });
    expect(c.choices[0]!.message.content).toMatch(/^hello from chat pid \d+$/);
    const stream = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toMatch(/^chunk 0 .*chunk 3 from chat pid \d+ $/);
    const e = await openai.embeddings.create({ model: 'embed', input: 'abcd', encoding_format: 'float' });
    expect(e.data[0]!.embedding.slice(0, 2)).toEqual([0, 4]);
  });
});

describe('keep_alive from Ollama clients', () => {
  const boot = perTestService();

  it('is ignored by default: keep_alive 0 leaves the model loaded', async () => {
    const svc = await boot({ models: { m: {} } });
    const ollama = new Ollama({ host: svc.url });
    await ollama.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], keep_alive: 0 });
    const r = await ollama.generate({ model: 'm', prompt: '', keep_alive: 0 });
    expect(r.done_reason).toBe('ignored');
    expect((await svc.model('m')).state).toBe('ready');
    expect(svc.of('model_stopped', 'm')).toEqual([]);
  });

  it('with `honour`, keep_alive 0 unloads after the request, and an empty generate loads or unloads', async () => {
    const svc = await boot({ models: { m: {}, p: { pinned: true } }, extra: ['ollama:', '  keep_alive: honour'] });
    const ollama = new Ollama({ host: svc.url });
    const chat = await ollama.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], keep_alive: 0 });
    expect(chat.message.content).toMatch(/^hello from m/);
    await svc.waitType('model_stopped', 'm');
    expect((await ollama.generate({ model: 'm', prompt: '' })).done_reason).toBe('load');
    expect((await svc.model('m')).state).toBe('ready');
    expect((await ollama.generate({ model: 'm', prompt: '', keep_alive: '0s' })).done_reason).toBe('unload');
    expect((await svc.model('m')).state).toBe('stopped');
    // Pinned models stay, whatever the client asks.
    await ollama.chat({ model: 'p', messages: [{ role: 'user', content: 'hi' }], keep_alive: 0 });
    expect((await svc.model('p')).state).toBe('ready');
  });
});

describe('broken backends behind the Ollama API', () => {
  const boot = perTestService();

  for (const [mode, extra] of [['reset', {}], ['wedge', { responseTimeout: '1s' }]] as const) {
    it(`replaces a backend that ${mode === 'reset' ? 'resets connections' : 'never answers'} and answers the chat from a fresh one`, async () => {
      const svc = await boot({ watchdog: { health_check_interval: 0 }, models: { m: { args: `--break-after 1 --break-mode ${mode}`, ...extra } } });
      const ollama = new Ollama({ host: svc.url });
      expect((await ollama.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).done).toBe(true);
      const pid1 = (await svc.model('m')).pid;
      const second = await ollama.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(second.message.content).toMatch(/^hello from m/);
      expect((await svc.model('m')).pid).not.toBe(pid1);
      expect(svc.of('model_stopped', 'm')).toMatchObject([{ reason: 'unhealthy' }]);
    });
  }
});

describe('the Ollama listener and the API key', () => {
  const boot = perTestService();

  it('ollama_listen serves the same API at a second address, answering GET / like Ollama', async () => {
    const svc = await boot({ models: { m: {} }, extra: ['ollama_listen: 127.0.0.1:0'] });
    const url = svc.service.ollamaUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe(svc.url);
    const root = await http(url!, 'GET', '/');
    expect(root.text).toBe('Ollama is running');
    const ollama = new Ollama({ host: url! });
    expect((await ollama.list()).models.map((m) => m.name)).toEqual(['m']);
    expect((await ollama.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).done).toBe(true);
    // The Host check follows the listener: a name that is not ours is refused there too.
    expect((await http(url!, 'GET', '/api/tags', undefined, { host: 'evil.example:11434' })).status).toBe(403);
  });

  it('with api_key set, the Ollama routes and /metrics need it', async () => {
    const svc = await boot({ models: { m: {} }, apiKey: 'sekret' });
    await expect(new Ollama({ host: svc.url }).list()).rejects.toMatchObject({ status_code: 401 });
    const ok = new Ollama({ host: svc.url, headers: { authorization: 'Bearer sekret' } });
    expect((await ok.list()).models).toHaveLength(1);
    expect((await http(svc.url, 'GET', '/metrics')).status).toBe(401);
    expect((await http(svc.url, 'GET', '/metrics', undefined, { authorization: 'Bearer sekret' })).status).toBe(200);
  });
});
