import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNEL } from '../../../../shared/desktop.js';
import { MODEL_FILE_DIALOG, registerDesktopIpc } from '../../../../electron/ipc/register-desktop-ipc.js';
import { IPC_CHANNELS } from '../../../../shared/http-routes.js';
import type { Push } from '../../../../shared/push.js';
import { selfChatEndpoint, TryStreams } from '../../../../electron/ipc/try-streams.js';
import * as fake from '../../../fakes/electron.js';

/**
 * A fetch that records its calls and answers with a body the test writes piece by piece; `abort` on
 * the request's signal errors the body as fetch does.
 */
function scriptedFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  let body!: ReadableStreamDefaultController<Uint8Array>;
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const stream = new ReadableStream<Uint8Array>({ start: (c) => void (body = c) });
    init.signal?.addEventListener('abort', () => body.error(new DOMException('This operation was aborted', 'AbortError')));
    if (url.includes('refused')) throw new TypeError('fetch failed');
    return new Response(stream, { status: 200, statusText: 'OK' });
  }) as unknown as typeof fetch;
  return { calls, fetchFn, write: (t: string) => body.enqueue(new TextEncoder().encode(t)), end: () => body.close() };
}

// The desktop-only channel wired to the fake electron's dialog and shell as main wires the real ones.
async function setup(url = 'http://127.0.0.1:11500/v1/chat/completions', apiKey: string | null = null) {
  fake.resetElectronFake();
  await fake.app.whenReady();
  const window = new fake.BrowserWindow();
  const upstream = scriptedFetch();
  const registration = registerDesktopIpc({
    ipcMain: fake.ipcMain,
    configFile: '/home/u/.config/loadout/config.yaml',
    tries: new TryStreams({ url, apiKey, fetch: upstream.fetchFn }),
    effects: {
      pickModelFile: async () => {
        const r = await fake.dialog.showOpenDialog(window, MODEL_FILE_DIALOG);
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      openPath: (file) => fake.shell.openPath(file),
    },
  });
  const call = (action: unknown, payload?: unknown, url: string | null = 'app://ui/index.html') =>
    fake.ipcMain.invokeHandler(DESKTOP_CHANNEL, { senderFrame: url === null ? null : { url }, sender: window.webContents }, action, payload);
  const tryPushes = () => window.webContents.callsOf('send').filter(([channel, p]) => channel === IPC_CHANNELS.event && (p as Push).type === 'try').map(([, p]) => (p as Push & { type: 'try' }).part);
  return { window, registration, call, upstream, tryPushes };
}

const chat = { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] };
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('registerDesktopIpc', () => {
  beforeEach(() => fake.resetElectronFake());

  it('opens the native Open dialog on the window, filtered to .gguf, and answers the chosen file', async () => {
    const t = await setup();
    fake.dialog.nextPick = ['/models/Qwen3-8B-Q4_K_M.gguf'];
    expect(await t.call('file.pickModel', {})).toEqual({ ok: true, value: { path: '/models/Qwen3-8B-Q4_K_M.gguf' } });
    expect(fake.dialog.openDialogs).toHaveLength(1);
    expect(fake.dialog.openDialogs[0]?.parent).toBe(t.window);
    expect(fake.dialog.openDialogs[0]?.options).toMatchObject({ properties: ['openFile'], filters: [{ name: 'GGUF models', extensions: ['gguf'] }] });
  });

  it('answers null when the dialog is cancelled', async () => {
    const t = await setup();
    fake.dialog.nextPick = [];
    expect(await t.call('file.pickModel', {})).toEqual({ ok: true, value: { path: null } });
  });

  it('opens the config file with the system app, and reports why it could not', async () => {
    const t = await setup();
    expect(await t.call('config.open', {})).toEqual({ ok: true, value: { opened: '/home/u/.config/loadout/config.yaml' } });
    expect(fake.shell.openedPaths).toEqual(['/home/u/.config/loadout/config.yaml']);
    fake.shell.openPathAnswer = 'No application is registered for .yaml';
    expect(await t.call('config.open', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('No application is registered') } });
  });

  it('refuses an untrusted sender before doing anything', async () => {
    const t = await setup();
    for (const url of [null, 'http://evil.example/', 'file:///tmp/x.html']) {
      expect(await t.call('file.pickModel', {}, url)).toEqual({ ok: false, error: { code: 'forbidden', message: 'untrusted sender', status: 403 } });
    }
    expect(fake.dialog.openDialogs).toEqual([]);
  });

  it('refuses unknown actions and payloads that fail the schema', async () => {
    const t = await setup();
    for (const action of ['shell.openExternal', '__proto__', 7]) {
      expect(await t.call(action, {})).toMatchObject({ ok: false, error: { code: 'bad_request', status: 400 } });
    }
    expect(await t.call('file.pickModel', { defaultPath: '/etc' })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('defaultPath') } });
    expect(fake.dialog.openDialogs).toEqual([]);
    expect(fake.shell.openedPaths).toEqual([]);
  });

  it('sends a Try request to the API with its key and relays the answer to the page that asked', async () => {
    const t = await setup('http://127.0.0.1:11500/v1/chat/completions', 'sk-local');
    expect(await t.call('try.send', { id: 'a1', body: chat })).toEqual({ ok: true, value: { started: true } });
    await settle();
    expect(t.upstream.calls).toHaveLength(1);
    expect(t.upstream.calls[0]!.url).toBe('http://127.0.0.1:11500/v1/chat/completions');
    expect(t.upstream.calls[0]!.init).toMatchObject({ method: 'POST', headers: { authorization: 'Bearer sk-local', 'content-type': 'application/json' } });
    expect(JSON.parse(t.upstream.calls[0]!.init.body as string)).toEqual(chat);
    t.upstream.write('data: {"x":1}\n\n');
    t.upstream.end();
    await vi.waitFor(() => expect(t.tryPushes().at(-1)).toEqual({ kind: 'end' }));
    expect(t.tryPushes()).toEqual([{ kind: 'head', status: 200, statusText: 'OK' }, { kind: 'text', text: 'data: {"x":1}\n\n' }, { kind: 'end' }]);
    // The id is free again once the answer ended.
    expect(await t.call('try.send', { id: 'a1', body: chat })).toMatchObject({ ok: true });
  });

  it('stops a running Try request on try.stop, and all of a page\'s on reload; nothing is sent after', async () => {
    const t = await setup();
    await t.call('try.send', { id: 'a1', body: chat });
    await settle();
    expect(await t.call('try.send', { id: 'a1', body: chat })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('already running') } });
    expect(await t.call('try.stop', { id: 'a1' })).toEqual({ ok: true, value: { stopped: true } });
    expect(t.upstream.calls[0]!.init.signal!.aborted).toBe(true);
    expect(await t.call('try.stop', { id: 'a1' })).toEqual({ ok: true, value: { stopped: false } });
    await settle();
    expect(t.tryPushes()).toEqual([{ kind: 'head', status: 200, statusText: 'OK' }]);

    await t.call('try.send', { id: 'b', body: chat });
    await t.call('try.send', { id: 'c', body: chat });
    await settle();
    t.window.webContents.emit('did-start-loading');
    expect(t.upstream.calls.slice(1).map((c) => c.init.signal!.aborted)).toEqual([true, true]);
  });

  it('tells the page why a Try request could not be made', async () => {
    const t = await setup('http://127.0.0.1:1/refused');
    await t.call('try.send', { id: 'a1', body: chat });
    await vi.waitFor(() => expect(t.tryPushes()).toEqual([{ kind: 'error', message: 'fetch failed' }]));
  });

  it('refuses a Try request that is not a streamed chat with messages, before sending anything', async () => {
    const t = await setup();
    for (const bad of [{ id: 'a', body: { ...chat, stream: false } }, { id: 'a', body: { ...chat, messages: [] } }, { id: 'a b', body: chat }, { id: 'a', body: { ...chat, temperature: 9 } }, { id: 'a', body: chat, url: 'http://evil.example/' }]) {
      expect(await t.call('try.send', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await t.call('try.send', { id: 'a', body: chat }, 'http://evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(t.upstream.calls).toEqual([]);
  });

  it('calls a listener on every address through loopback', () => {
    expect(selfChatEndpoint('http://127.0.0.1:11500')).toBe('http://127.0.0.1:11500/v1/chat/completions');
    expect(selfChatEndpoint('http://0.0.0.0:8080')).toBe('http://127.0.0.1:8080/v1/chat/completions');
    expect(selfChatEndpoint('http://[::]:8080')).toBe('http://[::1]:8080/v1/chat/completions');
    expect(selfChatEndpoint('http://[::1]:8080')).toBe('http://[::1]:8080/v1/chat/completions');
  });

  it('removes its handler on dispose', async () => {
    const t = await setup();
    t.registration.dispose();
    expect(fake.ipcMain.handlers.has(DESKTOP_CHANNEL)).toBe(false);
  });
});
