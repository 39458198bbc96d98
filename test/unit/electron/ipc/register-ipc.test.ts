import { beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../shared/commands.js';
import { LoadoutError } from '../../../../shared/errors.js';
import { IPC_CHANNELS } from '../../../../shared/http-routes.js';
import type { Push } from '../../../../shared/push.js';
import { registerIpc } from '../../../../electron/ipc/register-ipc.js';
import { FakeWebContents, ipcMain, resetElectronFake } from '../../../fakes/electron.js';
import { model, recordingCommands } from '../fixtures.js';

function setup(impl: Parameters<typeof recordingCommands>[0] = {}) {
  const { handlers, calls } = recordingCommands(impl);
  const contents = new FakeWebContents();
  const pushListeners: ((p: Push) => void)[] = [];
  const logListeners = new Map<string, (line: LogLine) => void>();
  let window: { webContents: FakeWebContents } | null = { webContents: contents };
  const registration = registerIpc({
    ipcMain,
    commands: handlers,
    getWindow: () => window,
    onPush: (l) => (pushListeners.push(l), () => pushListeners.splice(pushListeners.indexOf(l), 1)),
    onLog: (name, l) => (logListeners.set(name, l), () => logListeners.delete(name)),
    maxQueued: 3,
  });
  const event = (url: string | null = 'app://ui/index.html') => ({ senderFrame: url === null ? null : { url }, sender: contents });
  const invoke = (command: unknown, payload?: unknown, url?: string | null) => ipcMain.invokeHandler(IPC_CHANNELS.invoke, event(url), command, payload);
  const push = (p: Push) => pushListeners.forEach((l) => l(p));
  const sent = () => contents.callsOf('send');
  return { calls, contents, registration, invoke, push, sent, event, logListeners, pushListeners, dropWindow: () => (window = null) };
}

describe('registerIpc: invoke', () => {
  beforeEach(() => resetElectronFake());

  it('registers exactly one invoke handler', () => {
    setup();
    expect([...ipcMain.handlers.keys()]).toEqual([IPC_CHANNELS.invoke]);
  });

  it('refuses a sender without a frame', async () => {
    const t = setup();
    expect(await t.invoke('models.list', {}, null)).toEqual({ ok: false, error: { code: 'forbidden', message: 'untrusted sender', status: 403 } });
    expect(t.calls).toEqual([]);
  });

  it('refuses a frame from another origin', async () => {
    const t = setup();
    expect(await t.invoke('models.list', {}, 'http://evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
    expect(t.calls).toEqual([]);
  });

  it('refuses an unknown command', async () => {
    const t = setup();
    for (const command of ['models.delete', 'constructor', '__proto__', 42, undefined]) {
      expect(await t.invoke(command, {})).toMatchObject({ ok: false, error: { code: 'bad_request', status: 400 } });
    }
    expect(t.calls).toEqual([]);
  });

  it('answers a bad payload with 400 naming the field', async () => {
    const t = setup();
    const reply = await t.invoke('models.setPinned', { name: 'a', pinned: 'yes' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request', status: 400 } });
    expect((reply as { error: { message: string } }).error.message).toMatch(/^invalid payload for models\.setPinned: pinned: /);
    const extra = await t.invoke('models.load', { name: 'a', evil: true });
    expect((extra as { error: { message: string } }).error.message).toContain('evil');
    expect(t.calls).toEqual([]);
  });

  it('passes a parsed payload to the shared handler with origin ui', async () => {
    const t = setup({ 'models.load': async () => model('a', { state: 'ready' }) });
    const reply = await t.invoke('models.load', { name: 'a' });
    expect(reply).toEqual({ ok: true, value: model('a', { state: 'ready' }) });
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]).toMatchObject({ command: 'models.load', payload: { name: 'a' }, ctx: { origin: 'ui' } });
    expect(typeof t.calls[0]?.ctx.followLogs).toBe('function');
  });

  it('treats a missing payload as an empty one', async () => {
    const t = setup();
    expect(await t.invoke('models.list')).toEqual({ ok: true, value: { handled: 'models.list' } });
  });

  it('maps a LoadoutError to its code, message, status and blocking models', async () => {
    const t = setup({ 'models.load': () => Promise.reject(new LoadoutError('pinned_conflict', 'big holds group g', { blocking: ['big'] })) });
    expect(await t.invoke('models.load', { name: 'a' })).toEqual({
      ok: false,
      error: { code: 'pinned_conflict', message: 'big holds group g', status: 409, blocking: ['big'] },
    });
  });

  it('reports any other error as internal', async () => {
    const t = setup({ 'models.list': () => Promise.reject(new TypeError('x is undefined')) });
    expect(await t.invoke('models.list', {})).toEqual({ ok: false, error: { code: 'internal', message: 'x is undefined', status: 500 } });
  });

  it('removes its handler and listeners on dispose', () => {
    const t = setup();
    t.registration.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.listenerCount(IPC_CHANNELS.ready)).toBe(0);
    expect(t.pushListeners).toHaveLength(0);
  });
});

describe('registerIpc: pushes', () => {
  beforeEach(() => resetElectronFake());
  const m = (name: string): Push => ({ type: 'model', model: model(name) });

  it('queues pushes until the renderer signals ready, then forwards them in order', () => {
    const t = setup();
    t.push(m('a'));
    t.push(m('b'));
    expect(t.sent()).toEqual([]);
    ipcMain.emit(IPC_CHANNELS.ready, t.event());
    t.push(m('c'));
    expect(t.sent()).toEqual([[IPC_CHANNELS.event, m('a')], [IPC_CHANNELS.event, m('b')], [IPC_CHANNELS.event, m('c')]]);
  });

  it('bounds the queue', () => {
    const t = setup();
    for (const n of ['a', 'b', 'c', 'd', 'e']) t.push(m(n));
    ipcMain.emit(IPC_CHANNELS.ready, t.event());
    expect(t.sent().map((args) => (args[1] as { model: { name: string } }).model.name)).toEqual(['c', 'd', 'e']);
  });

  it('ignores a ready signal from an untrusted frame', () => {
    const t = setup();
    ipcMain.emit(IPC_CHANNELS.ready, t.event('http://evil.example/'));
    t.push(m('a'));
    expect(t.sent()).toEqual([]);
  });

  it('queues again after the page reloads', () => {
    const t = setup();
    ipcMain.emit(IPC_CHANNELS.ready, t.event());
    t.contents.emit('did-start-loading');
    t.push(m('a'));
    expect(t.sent()).toEqual([]);
  });

  it('drops pushes while there is no window', () => {
    const t = setup();
    t.dropWindow();
    t.push(m('a'));
    expect(t.sent()).toEqual([]);
  });

  it('sends the followed model’s log lines to the page that asked', async () => {
    const t = setup({ 'logs.follow': async (payload, ctx) => (ctx.followLogs?.((payload as { name: string | null }).name), { following: null }) });
    ipcMain.emit(IPC_CHANNELS.ready, t.event());
    await t.invoke('logs.follow', { name: 'a' });
    const line: LogLine = { at: '2026-11-26T21:00:00.000Z', stream: 'stdout', text: 'hello' };
    t.logListeners.get('a')?.(line);
    expect(t.sent()).toEqual([[IPC_CHANNELS.event, { type: 'log', model: 'a', line }]]);
    await t.invoke('logs.follow', { name: null });
    expect(t.logListeners.size).toBe(0);
  });
});
