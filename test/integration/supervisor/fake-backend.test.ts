import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, waitForLine } from './harness.js';

// The fixture other suites build on: its flags must do what they say.
let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

async function ready(flags: string[], env?: Record<string, string>) {
  h = new Harness();
  const b = await h.backend(['--name', 'alpha', ...flags], env ? { env: { ...process.env, ...env } } : {});
  expect((await b.start()).ok).toBe(true);
  return { b, base: `http://127.0.0.1:${b.spec.port}` };
}

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

async function json<T>(res: Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

describe('fake-backend.mjs', () => {
  it('answers OpenAI-shaped requests naming itself and its pid', async () => {
    const { b, base } = await ready([]);
    const chat = await json<{ object: string; choices: { message: { content: string } }[] }>(post(`${base}/v1/chat/completions`, { model: 'm', messages: [] }));
    expect(chat.object).toBe('chat.completion');
    expect(chat.choices[0]?.message.content).toBe(`hello from alpha pid ${b.pid}`);
    const models = await json<{ data: unknown[] }>(fetch(`${base}/v1/models`));
    expect(models.data[0]).toMatchObject({ id: 'alpha', pid: b.pid });
    const emb = await json<{ data: { embedding: number[] }[] }>(post(`${base}/v1/embeddings`, { model: 'm', input: 'x' }));
    expect(emb.data[0]?.embedding).toHaveLength(3);
    const echo = await json<unknown>(post(`${base}/v1/rerank`, { q: 1 }));
    expect(echo).toMatchObject({ echo: { method: 'POST', path: '/v1/rerank', query: '', body: { q: 1 } }, backend: `alpha pid ${b.pid}` });
  });

  it('streams chat chunks as SSE ending with [DONE]', async () => {
    const { base } = await ready(['--stream-chunks', '4']);
    const res = await post(`${base}/v1/chat/completions`, { model: 'm', stream: true, messages: [] });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    expect(chunks).toHaveLength(6);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('stops streaming and logs it when the client goes away', async () => {
    const { base } = await ready(['--stream-chunks', '1000', '--chunk-delay', '5']);
    const ctl = new AbortController();
    const res = await post(`${base}/v1/chat/completions`, { model: 'm', stream: true, messages: [] }, ctl.signal);
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    expect(await waitForLine(h.logs, 'fake', /stream aborted/)).toContain('stream aborted');
  });

  it('crashes with exit code 3 on the first /v1 request when asked to', async () => {
    const { b, base } = await ready(['--crash-on-request']);
    const exited = new Promise((resolve) => b.onExit(resolve));
    await expect(post(`${base}/v1/chat/completions`, { model: 'm' })).rejects.toThrow();
    expect(await exited).toEqual({ exitCode: 3, signal: null });
    expect(h.logs.tail('fake').some((l) => l.stream === 'stderr' && l.text.includes('crashed the backend'))).toBe(true);
  });

  it('delays answers by --request-delay', async () => {
    const { base } = await ready(['--request-delay', '300']);
    const t0 = Date.now();
    await (await post(`${base}/v1/completions`, { model: 'm', prompt: 'x' })).json();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('writes fake VRAM files for itself and its child and removes its own on exit', async () => {
    const gpuDir = mkdtempSync(join(tmpdir(), 'loadout-fake-gpu-'));
    try {
      const { b } = await ready(['--vram-mib', '512', '--fork-child', '--child-vram-mib', '64'], { FAKE_GPU_DIR: gpuDir });
      await waitForLine(h.logs, 'fake', /child \d+ sleeping/);
      const [child] = h.forkedChildren();
      expect(readFileSync(join(gpuDir, String(b.pid)), 'utf8')).toBe('512');
      expect(readFileSync(join(gpuDir, String(child)), 'utf8')).toBe('64');
      const pid = b.pid!;
      await b.stop();
      expect(existsSync(join(gpuDir, String(pid)))).toBe(false);
    } finally {
      rmSync(gpuDir, { recursive: true, force: true });
    }
  });
});
