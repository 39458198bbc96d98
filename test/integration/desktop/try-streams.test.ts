import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../shared/http-routes.js';
import type { Push, TryPart } from '../../../shared/push.js';
import { selfChatEndpoint, TryStreams, type TryTarget } from '../../../electron/ipc/try-streams.js';
import { perTestService } from '../../helpers/loadout.js';

// The desktop Try box's main side against a real service with an API key: main's own request carries
// the key, the answer streams back piece by piece, and the request counts like any client's.

/** A page: records the `try` parts main sends it. */
class Page extends EventEmitter implements TryTarget {
  private static next = 1;
  readonly id = Page.next++;
  readonly parts: TryPart[] = [];
  send(channel: string, push: Push): void {
    if (channel === IPC_CHANNELS.event && push.type === 'try') this.parts.push(push.part);
  }
  isDestroyed(): boolean {
    return false;
  }
}

const chat = (model: string) => ({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });

describe('TryStreams against the real API', () => {
  const boot = perTestService();

  it('sends the key with the request and streams the answer; without the key the API refuses it', async () => {
    const svc = await boot({ apiKey: 'sk-desk', models: { m: { args: '--stream-chunks 5 --chunk-delay 10' } } });
    expect(svc.service.apiKey).toBe('sk-desk');
    const page = new Page();
    const keyed = new TryStreams({ url: selfChatEndpoint(svc.url), apiKey: svc.service.apiKey });
    keyed.start(page, 'one', chat('m'));
    await vi.waitFor(() => expect(page.parts.at(-1)?.kind).toBe('end'), { timeout: 10_000 });
    expect(page.parts[0]).toEqual({ kind: 'head', status: 200, statusText: 'OK' });
    const text = page.parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('');
    expect(text).toMatch(/chunk 0 from m .*chunk 4 from m/s);
    expect(text).toContain('data: [DONE]');
    expect(page.parts.filter((p) => p.kind === 'text').length).toBeGreaterThan(1); // streamed, not whole
    const view = await svc.req<{ stats: { requests: number } }>('GET', '/api/models/m', undefined, { authorization: 'Bearer sk-desk' });
    expect(view.json.stats.requests).toBe(1);

    const unkeyed = new TryStreams({ url: selfChatEndpoint(svc.url), apiKey: null });
    const other = new Page();
    unkeyed.start(other, 'two', chat('m'));
    await vi.waitFor(() => expect(other.parts.at(-1)?.kind).toBe('end'));
    expect(other.parts[0]).toMatchObject({ kind: 'head', status: 401 });
  });

  it('a stop ends the backend request at once: the model is no longer in flight', async () => {
    const svc = await boot({ models: { slow: { args: '--stream-chunks 200 --chunk-delay 50' } } });
    const page = new Page();
    const tries = new TryStreams({ url: selfChatEndpoint(svc.url), apiKey: null });
    tries.start(page, 'long', chat('slow'));
    await vi.waitFor(() => expect(page.parts.some((p) => p.kind === 'text' && p.text.includes('chunk 1 from slow'))).toBe(true), { timeout: 10_000 });
    expect((await svc.model('slow')).inflight).toBe(1);
    expect(tries.stop(page, 'long')).toBe(true);
    await vi.waitFor(async () => expect((await svc.model('slow')).inflight).toBe(0), { timeout: 3_000 });
    // The page let go of it: no end and no error are sent for a stopped request.
    expect(page.parts.some((p) => p.kind === 'end' || p.kind === 'error')).toBe(false);
  });
});
