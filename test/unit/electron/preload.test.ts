import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import ts from 'typescript';
import type { PreloadApi } from '../../../shared/bridge.js';
import { IPC_CHANNELS } from '../../../shared/http-routes.js';
import { DESKTOP_CHANNEL } from '../../../shared/desktop.js';
import * as fake from '../../fakes/electron.js';
import { model } from './fixtures.js';

const source = readFileSync(new URL('../../../electron/preload.cts', import.meta.url), 'utf8');

/**
 * Compiles the preload the way tsconfig.node.json does (CommonJS) and runs it with a `require` that
 * knows only `electron`, as Electron's sandboxed preload does: any other require fails the test.
 */
function loadPreload(): { bridge: PreloadApi; required: string[] } {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: 'preload.cts',
  });
  const required: string[] = [];
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
    return fake;
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(sandboxRequire, module, module.exports);
  return { bridge: fake.contextBridge.exposed.get('loadout') as PreloadApi, required };
}

describe('preload', () => {
  beforeEach(() => fake.resetElectronFake());

  it('requires only electron and exposes exactly invoke, onEvent and desktop as window.loadout', () => {
    const { bridge, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['loadout']);
    expect(Object.keys(bridge).sort()).toEqual(['desktop', 'invoke', 'onEvent']);
  });

  it('sends desktop actions over their own channel and passes the reply on as plain data', async () => {
    const { bridge } = loadPreload();
    fake.ipcRenderer.responder = () => ({ ok: true, value: { path: '/m/a.gguf' } });
    await expect(bridge.desktop!('file.pickModel', {})).resolves.toEqual({ ok: true, value: { path: '/m/a.gguf' } });
    expect(fake.ipcRenderer.callsOf('invoke')).toEqual([[DESKTOP_CHANNEL, 'file.pickModel', {}]]);
  });

  it('invokes over the one invoke channel and passes the reply on as plain data', async () => {
    const { bridge } = loadPreload();
    fake.ipcRenderer.responder = () => ({ ok: true, value: model('a') });
    await expect(bridge.invoke('models.get', { name: 'a' })).resolves.toEqual({ ok: true, value: model('a') });
    expect(fake.ipcRenderer.callsOf('invoke')).toEqual([[IPC_CHANNELS.invoke, 'models.get', { name: 'a' }]]);
  });

  it('passes a failure on as a plain object, so code, status and blocking survive the context bridge', async () => {
    const { bridge } = loadPreload();
    const error = { code: 'pinned_conflict', message: 'big holds g', status: 409, blocking: ['big'] };
    fake.ipcRenderer.responder = () => ({ ok: false, error });
    await expect(bridge.invoke('models.load', { name: 'a' })).resolves.toEqual({ ok: false, error });
  });

  it('delivers pushes without the IPC event, signals ready once, and unsubscribes', () => {
    const { bridge } = loadPreload();
    const seen: unknown[] = [];
    const off = bridge.onEvent((p) => seen.push(p));
    bridge.onEvent(() => undefined);
    const push = { type: 'model', model: model('a') };
    fake.ipcRenderer.emit(IPC_CHANNELS.event, { sender: 'ipcRenderer' }, push);
    expect(seen).toEqual([push]);
    expect(fake.ipcRenderer.callsOf('send')).toEqual([[IPC_CHANNELS.ready]]);
    off();
    fake.ipcRenderer.emit(IPC_CHANNELS.event, {}, push);
    expect(seen).toHaveLength(1);
  });
});
