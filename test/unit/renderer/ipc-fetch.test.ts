import { describe, expect, it } from 'vitest';
import type { InvokeReply } from '../../../shared/bridge.js';
import type { Push, TryPart } from '../../../shared/push.js';
import { ipcTryFetch, type TryBridge } from '../../../renderer/features/try/ipc-fetch.js';
import { runTry } from '../../../renderer/features/try/run-try.js';

/** The preload's bridge as the Try box sees it: records the desktop actions, lets the test push `try` parts. */
function fakeBridge(reply: (action: string, payload: { id: string }) => InvokeReply<unknown> = () => ({ ok: true, value: { started: true } })) {
  const calls: { action: string; payload: { id: string; body?: unknown } }[] = [];
  const listeners = new Set<(p: Push) => void>();
  const bridge: TryBridge = {
    desktop: (async (action: string, payload: { id: string }) => {
      calls.push({ action, payload });
      return reply(action, payload);
    }) as TryBridge['desktop'],
    onEvent: (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  };
  const idOf = () => calls.find((c) => c.action === 'try.send')!.payload.id;
  const push = (part: TryPart, id = idOf()) => listeners.forEach((l) => l({ type: 'try', id, part }));
  return { bridge, calls, push, listeners };
}

const sse = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`;
const tick = () => new Promise((r) => setTimeout(r, 0));
const request = (signal?: AbortSignal): RequestInit => ({ method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }), signal });

describe('ipcTryFetch', () => {
  it('sends the JSON body to main and answers the relayed head and text as a streamed Response', async () => {
    const f = fakeBridge();
    const pending = ipcTryFetch(f.bridge)('/v1/chat/completions', request());
    await tick();
    expect(f.calls).toEqual([{ action: 'try.send', payload: { id: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), body: { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] } } }]);
    f.push({ kind: 'head', status: 200, statusText: 'OK' });
    const res = await pending;
    expect(res.status).toBe(200);
    f.push({ kind: 'text', text: 'Hel' });
    f.push({ kind: 'text', text: 'lo' });
    f.push({ kind: 'end' });
    expect(await res.text()).toBe('Hello');
    expect(f.listeners.size).toBe(0); // done: no listener left behind
  });

  it('ignores the parts of other requests', async () => {
    const f = fakeBridge();
    const pending = ipcTryFetch(f.bridge)('/v1/chat/completions', request());
    await tick();
    f.push({ kind: 'head', status: 500, statusText: 'x' }, 'someone-else');
    f.push({ kind: 'head', status: 200, statusText: 'OK' });
    expect((await pending).status).toBe(200);
  });

  it('stops the request in main when the signal aborts, before or during the answer', async () => {
    const before = fakeBridge();
    const ctl = new AbortController();
    const pending = ipcTryFetch(before.bridge)('/v1/chat/completions', request(ctl.signal));
    await tick();
    ctl.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(before.calls.map((c) => c.action)).toEqual(['try.send', 'try.stop']);
    expect(before.calls[1]!.payload.id).toBe(before.calls[0]!.payload.id);

    const during = fakeBridge();
    const ctl2 = new AbortController();
    const res = ipcTryFetch(during.bridge)('/v1/chat/completions', request(ctl2.signal));
    await tick();
    during.push({ kind: 'head', status: 200, statusText: 'OK' });
    const reader = (await res).body!.getReader();
    during.push({ kind: 'text', text: 'a' });
    expect((await reader.read()).value).toEqual(new TextEncoder().encode('a'));
    ctl2.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(during.calls.map((c) => c.action)).toEqual(['try.send', 'try.stop']);
    expect(during.listeners.size).toBe(0);
  });

  it('fails like fetch when main could not make the request, and answers main\'s refusal as a JSON error', async () => {
    const f = fakeBridge();
    const pending = ipcTryFetch(f.bridge)('/v1/chat/completions', request());
    await tick();
    f.push({ kind: 'error', message: 'connect ECONNREFUSED 127.0.0.1:11500' });
    await expect(pending).rejects.toThrow(/ECONNREFUSED/);

    const refused = fakeBridge(() => ({ ok: false, error: { code: 'bad_request', message: 'invalid payload for try.send: body.messages: too small', status: 400 } }));
    const res = await ipcTryFetch(refused.bridge)('/v1/chat/completions', request());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'bad_request', message: 'invalid payload for try.send: body.messages: too small' } });
  });

  it('drives the Try box to the end: the answer, its figures and a stop', async () => {
    const f = fakeBridge();
    const progress: string[] = [];
    const done = runTry({ endpoint: { url: '/v1/chat/completions', apiKey: null }, model: 'm', prompt: 'hi', signal: new AbortController().signal, now: () => 0, fetch: ipcTryFetch(f.bridge), onProgress: (p) => progress.push(p.answer) });
    await tick();
    f.push({ kind: 'head', status: 200, statusText: 'OK' });
    await tick();
    f.push({ kind: 'text', text: sse('Hi') + sse(' there') });
    f.push({ kind: 'text', text: 'data: [DONE]\n\n' });
    f.push({ kind: 'end' });
    expect(await done).toEqual({ kind: 'done' });
    expect(progress.at(-1)).toBe('Hi there');

    const g = fakeBridge();
    const ctl = new AbortController();
    const stopped = runTry({ endpoint: { url: '/v1/chat/completions', apiKey: null }, model: 'm', prompt: 'hi', signal: ctl.signal, now: () => 0, fetch: ipcTryFetch(g.bridge), onProgress: () => undefined });
    await tick();
    g.push({ kind: 'head', status: 200, statusText: 'OK' });
    await tick();
    ctl.abort();
    expect(await stopped).toEqual({ kind: 'stopped' });
  });
});
