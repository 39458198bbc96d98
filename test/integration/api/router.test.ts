import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardown, TestDir, TestService, waitUntil } from '../../helpers/loadout.js';

// The OpenAI-compatible router (CONTRACT §4, /v1/*).

let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, {
    models: {
      chat: { aliases: ['gpt-4o-mini', 'my-chat'] },
      hidden: { unlisted: true },
      streamer: { args: '--stream-chunks 5 --chunk-delay 200' },
      endless: { args: '--stream-chunks 50 --chunk-delay 200' },
    },
  });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

interface StreamProbe {
  chunks: string[];
  ended: boolean;
  first: Promise<void>;
  done: Promise<void>;
  abort(): void;
}

/** A streaming chat request read chunk by chunk off the socket. */
function streamChat(model: string): StreamProbe {
  const u = new URL(svc.url);
  const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const probe = { chunks: [] as string[], ended: false } as StreamProbe;
  let firstResolve!: () => void;
  let doneResolve!: () => void;
  probe.first = new Promise((r) => (firstResolve = r));
  probe.done = new Promise((r) => (doneResolve = r));
  const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/v1/chat/completions', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      probe.chunks.push(c);
      if (c.includes('"content":"chunk ')) firstResolve();
    });
    res.on('end', () => {
      probe.ended = true;
      doneResolve();
    });
    res.on('close', () => doneResolve());
  });
  req.on('error', () => doneResolve());
  req.end(body);
  probe.abort = () => req.destroy();
  return probe;
}

async function logText(model: string): Promise<string> {
  const r = await svc.req<{ lines: { text: string }[] }>('GET', `/api/models/${model}/logs?tail=200`);
  return r.json.lines.map((l) => l.text).join('\n');
}

describe('OpenAI router', () => {
  it('lists every model and alias on /v1/models, but not unlisted ones', async () => {
    const r = await svc.req<{ object: string; data: { id: string; object: string }[] }>('GET', '/v1/models');
    expect(r.status).toBe(200);
    expect(r.json.object).toBe('list');
    const ids = r.json.data.map((d) => d.id).sort();
    expect(ids).toEqual(['chat', 'endless', 'gpt-4o-mini', 'my-chat', 'streamer']);
    expect(r.json.data.every((d) => d.object === 'model')).toBe(true);
  });

  it('retrieves one model or alias on /v1/models/{id}; unknown and unlisted ones are 404', async () => {
    const one = await svc.req<{ id: string; object: string; root: string }>('GET', '/v1/models/gpt-4o-mini');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: 'gpt-4o-mini', object: 'model', root: 'chat' });
    expect((await svc.req('GET', '/v1/models/nope')).status).toBe(404);
    expect((await svc.req('GET', '/v1/models/hidden')).status).toBe(404);
  });

  it('routes a request by alias to its model, loading it first (trigger request)', async () => {
    const r = await svc.chat('gpt-4o-mini');
    expect(r.status).toBe(200);
    const view = await svc.model('chat');
    expect(view.state).toBe('ready');
    expect(r.json.choices[0]!.message.content).toBe(`hello from chat pid ${view.pid}`);
    expect(svc.of('model_starting', 'chat')[0]!.data).toMatchObject({ trigger: 'request' });
    const emb = await svc.req<{ backend: string }>('POST', '/v1/embeddings', { model: 'my-chat', input: 'x' });
    expect(emb.status).toBe(200);
    expect(emb.json.backend).toBe(`chat pid ${view.pid}`);
    expect(svc.of('model_starting', 'chat')).toHaveLength(1);
  });

  it('passes a stream through chunk by chunk; the request is in flight until the last byte', async () => {
    expect((await svc.load('streamer')).status).toBe(200);
    const probe = streamChat('streamer');
    await probe.first;
    // The first content chunk is here while the backend is still producing the rest.
    expect(probe.ended).toBe(false);
    expect((await svc.model('streamer')).inflight).toBe(1);
    expect(probe.chunks.join('')).not.toContain('[DONE]');
    await probe.done;
    expect(probe.ended).toBe(true);
    const all = probe.chunks.join('');
    expect(all).toContain('chunk 4 from streamer');
    expect(all).toContain('data: [DONE]');
    expect(probe.chunks.length).toBeGreaterThanOrEqual(3); // arrived in pieces, not in one buffer
    await svc.waitModel('streamer', (m) => m.inflight === 0);
  });

  it('aborts the upstream request when the client disconnects mid-stream; inflight returns to 0', async () => {
    const probe = streamChat('endless');
    await probe.first;
    expect((await svc.model('endless')).inflight).toBe(1);
    probe.abort();
    await waitUntil(async () => (await logText('endless')).includes('stream aborted'), 5000, 'the backend to log "stream aborted"');
    await svc.waitModel('endless', (m) => m.inflight === 0);
    expect((await svc.model('endless')).state).toBe('ready');
  });

  it('answers 404 for an unknown model and 400 for a request without a model', async () => {
    const unknown = await svc.chat('no-such-model');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('model_not_found');
    expect(unknown.json.error.message).toContain('no-such-model');
    const missing = await svc.req<{ error: { code: string; message: string } }>('POST', '/v1/chat/completions', { messages: [] });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain('model');
    const hidden = await svc.chat('hidden'); // unlisted is not unreachable
    expect(hidden.status).toBe(200);
  });
});
