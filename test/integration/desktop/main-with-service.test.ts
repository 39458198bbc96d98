import type { MenuItemConstructorOptions } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNEL } from '../../../shared/desktop.js';
import { IPC_CHANNELS } from '../../../shared/http-routes.js';
import type { ModelView } from '../../../shared/model-view.js';
import type { Push } from '../../../shared/push.js';
import { ipcTryFetch, type TryBridge } from '../../../renderer/features/try/ipc-fetch.js';
import { runTry, type TryProgress } from '../../../renderer/features/try/run-try.js';
import { alive, FAKE_BACKEND, gone } from '../../helpers/loadout.js';

// The desktop composition root with the REAL engine and HTTP API behind it (only `electron` is a
// fake): a dashboard click over IPC starts a real backend, the tray menu follows, and Quit stops it.

const dir = vi.hoisted(() => ({ path: '' }));
dir.path = mkdtempSync(join(tmpdir(), 'loadout-desktop-'));
const configFile = join(dir.path, 'config.yaml');
writeFileSync(configFile, [
  '# desktop integration',
  'listen: 127.0.0.1:0',
  `state_dir: ${JSON.stringify(join(dir.path, 'state'))}`,
  'watchdog:',
  '  stop_timeout: 2s',
  'models:',
  '  alpha:',
  `    cmd: ${JSON.stringify(`${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_BACKEND)} --port \${PORT} --name alpha`)}`,
  '  slow:',
  `    cmd: ${JSON.stringify(`${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_BACKEND)} --port \${PORT} --name slow --stream-chunks 100 --chunk-delay 50`)}`,
  '',
].join('\n'));

vi.mock('../../../electron/engine/config/default-config.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  defaultConfigPath: () => join(dir.path, 'config.yaml'),
}));
vi.mock('../../../electron/engine/platform/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/engine/platform/logger.js')>();
  return { ...real, createLogger: () => real.silentLogger };
});

afterAll(() => rmSync(dir.path, { recursive: true, force: true }));

type Reply = { ok: true; value: ModelView } | { ok: false; error: { code: string } };

describe('desktop app over the real service', () => {
  it('loads a model from the dashboard over IPC, shows it in the tray, answers its Try box through main, and stops it on Quit', async () => {
    process.argv = [...process.argv, '--hidden'];
    const fake = await import('../../fakes/electron.js');
    await import('../../../electron/main.js');
    await vi.waitFor(() => expect(fake.Tray.instances[0]?.menu).toBeTruthy(), { timeout: 10_000 });
    const tray = fake.Tray.instances[0]!;
    const trusted = { senderFrame: { url: 'app://ui/index.html' }, sender: new fake.FakeWebContents() };

    const reply = (await fake.ipcMain.invokeHandler(IPC_CHANNELS.invoke, trusted, 'models.load', { name: 'alpha' })) as Reply;
    expect(reply.ok).toBe(true);
    const pid = reply.ok ? reply.value.pid! : -1;
    expect(alive(pid)).toBe(true);

    const labels = () => ((tray.menu?.template ?? []) as MenuItemConstructorOptions[]).map((i) => i.label);
    await vi.waitFor(() => expect(labels()).toContain('alpha — ready'), { timeout: 5_000 });

    const forged = await fake.ipcMain.invokeHandler(IPC_CHANNELS.invoke, { senderFrame: { url: 'http://evil.example/' }, sender: trusted.sender }, 'models.unload', { name: 'alpha' });
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // The Try box of the desktop window: its page cannot reach the API, so main sends the chat and
    // relays the answer as `try` pushes; the page's fetch over them is the one the dialog uses.
    const page = new fake.FakeWebContents();
    const fromPage = { senderFrame: { url: 'app://ui/index.html' }, sender: page };
    const bridge: TryBridge = {
      desktop: ((action: string, payload: unknown) => fake.ipcMain.invokeHandler(DESKTOP_CHANNEL, fromPage, action, payload)) as TryBridge['desktop'],
      onEvent: (listener) => page.onSend((channel, push) => channel === IPC_CHANNELS.event && listener(push as Push)),
    };
    const tryIt = (model: string, signal: AbortSignal, onProgress: (p: TryProgress) => void = () => undefined) =>
      runTry({ endpoint: { url: '/v1/chat/completions', apiKey: null }, model, prompt: 'hi', signal, now: () => performance.now(), fetch: ipcTryFetch(bridge), onProgress });
    let answer = '';
    expect(await tryIt('alpha', new AbortController().signal, (p) => (answer = p.answer))).toEqual({ kind: 'done' });
    expect(answer).toMatch(/chunk 0 from alpha pid \d+/);
    expect(await tryIt('nope', new AbortController().signal)).toMatchObject({ kind: 'error', message: expect.stringMatching(/^404: .*nope/) });

    const inflight = async (name: string) => ((await fake.ipcMain.invokeHandler(IPC_CHANNELS.invoke, trusted, 'models.get', { name })) as Reply & { value: ModelView }).value.inflight;
    const stop = new AbortController();
    let streaming!: () => void;
    const firstToken = new Promise<void>((resolve) => (streaming = resolve));
    const running = tryIt('slow', stop.signal, (p) => p.answer && streaming());
    await firstToken;
    expect(await inflight('slow')).toBe(1);
    stop.abort();
    expect(await running).toEqual({ kind: 'stopped' });
    // The Stop reached the backend request: the model is no longer busy, long before its 5 s answer ends.
    await vi.waitFor(async () => expect(await inflight('slow')).toBe(0), { timeout: 3_000 });
    const tries = page.callsOf('send').filter(([, push]) => (push as Push).type === 'try');
    expect(tries.length).toBeGreaterThan(0);
    expect(await fake.ipcMain.invokeHandler(DESKTOP_CHANNEL, fromPage, 'try.send', { id: 'x', body: { model: 'alpha', stream: false, messages: [] } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const slowPid = ((await fake.ipcMain.invokeHandler(IPC_CHANNELS.invoke, trusted, 'models.get', { name: 'slow' })) as Reply & { value: ModelView }).value.pid!;
    expect(alive(slowPid)).toBe(true);

    const quit = (tray.menu!.template as MenuItemConstructorOptions[]).find((i) => i.label === 'Quit Loadout')!;
    (quit.click as () => void)();
    await vi.waitFor(() => expect(fake.app.callsOf('exit')).toEqual([[0]]), { timeout: 10_000 });
    expect(await gone(pid)).toBe(true);
    expect(await gone(slowPid)).toBe(true);
  });
});
