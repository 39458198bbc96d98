import { beforeEach, describe, expect, it } from 'vitest';
import * as fake from '../../fakes/electron.js';

// The fake electron must behave like Electron where ordering and copying bugs hide, or tests over it
// prove nothing: these pin that behaviour down.

describe('fake electron: app lifecycle', () => {
  beforeEach(() => fake.resetElectronFake());

  it('becomes ready only once awaited, and refuses windows and trays before that', async () => {
    expect(fake.app.isReady()).toBe(false);
    expect(() => new fake.BrowserWindow()).toThrow(/before app is ready/);
    expect(() => new fake.Tray(null)).toThrow(/before app is ready/);
    fake.protocol.registerSchemesAsPrivileged([]);
    await fake.app.whenReady();
    expect(fake.app.lifecycle).toEqual(['ready']);
    expect(() => fake.protocol.registerSchemesAsPrivileged([])).toThrow(/before app is ready/);
    expect(new fake.BrowserWindow()).toBeInstanceOf(fake.BrowserWindow);
  });

  it('quits through before-quit, window close, will-quit and quit', async () => {
    await fake.app.whenReady();
    const win = new fake.BrowserWindow();
    const seen: string[] = [];
    for (const name of ['before-quit', 'will-quit', 'quit']) fake.app.on(name, () => seen.push(name));
    win.on('close', () => seen.push('close'));
    win.on('closed', () => seen.push('closed'));
    fake.app.quit();
    expect(seen).toEqual(['before-quit', 'close', 'closed', 'will-quit', 'quit']);
    expect(fake.app.ended).toBe(true);
    expect(win.webContents.isDestroyed()).toBe(true);
  });

  it.each(['before-quit', 'will-quit'])('stops quitting when %s is prevented', async (step) => {
    await fake.app.whenReady();
    fake.app.once(step, (event: fake.PreventableEvent) => event.preventDefault());
    fake.app.quit();
    expect(fake.app.ended).toBe(false);
    expect(fake.app.lifecycle.at(-1)).toBe(`quit-cancelled(${step})`);
    fake.app.quit(); // a later quit proceeds
    expect(fake.app.lifecycle.at(-1)).toBe('quit');
  });

  it('stops quitting when a window prevents its close', async () => {
    await fake.app.whenReady();
    const win = new fake.BrowserWindow();
    win.on('close', (event: fake.PreventableEvent) => event.preventDefault());
    fake.app.quit();
    expect(fake.app.ended).toBe(false);
    expect(win.isDestroyed()).toBe(false);
  });

  it('exits at once without before-quit or will-quit', async () => {
    await fake.app.whenReady();
    const win = new fake.BrowserWindow();
    let quitEvents = 0;
    fake.app.on('before-quit', () => quitEvents++);
    fake.app.on('will-quit', () => quitEvents++);
    fake.app.exit(3);
    expect(quitEvents).toBe(0);
    expect(fake.app).toMatchObject({ ended: true, exitCode: 3 });
    expect(win.isDestroyed()).toBe(true);
  });
});

describe('fake electron: IPC payloads are structured clones', () => {
  beforeEach(() => fake.resetElectronFake());

  it('gives an invoke handler copies, answers with a copy, and cannot carry a function', async () => {
    const payload = { name: 'a', nested: { n: 1 } };
    let received: typeof payload | null = null;
    fake.ipcMain.handle('ch', (_event: unknown, p: typeof payload) => {
      received = p;
      p.nested.n = 2;
      return { ok: true, at: new Date(0), error: Object.assign(new Error('boom'), { code: 'x' }) };
    });
    const reply = (await fake.ipcMain.invokeHandler('ch', {}, payload)) as { at: Date; error: Error & { code?: string } };
    expect(received).not.toBe(payload);
    expect(payload.nested.n).toBe(1);
    expect(reply.at).toEqual(new Date(0));
    expect(reply.error.message).toBe('boom');
    expect(reply.error.code).toBeUndefined(); // extra fields of an Error do not cross
    await expect(fake.ipcMain.invokeHandler('ch', {}, { f: () => 1 })).rejects.toThrow(/could not be cloned/);
  });

  it('wraps what a handler throws the way Electron reports it to the page', async () => {
    fake.ipcMain.handle('ch', () => {
      throw new Error('nope');
    });
    await expect(fake.ipcMain.invokeHandler('ch', {})).rejects.toThrow("Error invoking remote method 'ch': Error: nope");
  });

  it('clones what main sends to a page and what a page sends to main', async () => {
    await fake.app.whenReady();
    const contents = new fake.BrowserWindow().webContents;
    const got: unknown[] = [];
    contents.onSend((_channel, value) => got.push(value));
    const push = { type: 'event', n: 1 };
    contents.send('loadout:event', push);
    push.n = 2;
    expect(got).toEqual([{ type: 'event', n: 1 }]);
    expect(() => contents.send('loadout:event', { f: () => 1 })).toThrow(/could not be cloned/);
    const heard: unknown[] = [];
    fake.ipcMain.on('loadout:ready', (_event: unknown, value: unknown) => heard.push(value));
    const sent = { ready: true };
    fake.ipcMain.sendFromRenderer('loadout:ready', {}, sent);
    expect(heard[0]).toEqual(sent);
    expect(heard[0]).not.toBe(sent);
  });

  it('copies values across the context bridge and proxies functions', async () => {
    const error = Object.assign(new Error('failed'), { code: 'load_failed' });
    const api = { get: (o: { n: number }) => ({ seen: o }), fail: () => Promise.reject(error) };
    fake.contextBridge.exposeInMainWorld('x', api);
    const exposed = fake.contextBridge.exposed.get('x') as typeof api;
    const arg = { n: 1 };
    expect(exposed.get(arg).seen).not.toBe(arg);
    expect(Object.isFrozen(exposed)).toBe(true);
    const thrown = (await exposed.fail().catch((e: unknown) => e)) as Error & { code?: string };
    expect(thrown.message).toBe('failed');
    expect(thrown.code).toBeUndefined(); // electron/electron#25596
  });
});
