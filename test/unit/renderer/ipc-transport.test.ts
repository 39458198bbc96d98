import { describe, expect, it } from 'vitest';
import type { PreloadApi } from '../../../shared/bridge.js';
import type { Push } from '../../../shared/push.js';
import { createIpcTransport } from '../../../renderer/transport/ipc-transport.js';
import { TransportError } from '../../../renderer/transport/transport-error.js';

function fakeBridge(fail?: { code: string; message: string; status: number; exit_code?: number; log_tail?: string[]; hint?: string }) {
  const listeners = new Set<(p: Push) => void>();
  const invoked: { command: string; payload: unknown }[] = [];
  const bridge: PreloadApi = {
    invoke: (async (command: string, payload: unknown) => {
      invoked.push({ command, payload });
      if (fail) return { ok: false, error: fail };
      return { ok: true, value: { following: null } };
    }) as PreloadApi['invoke'],
    onEvent: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
  return { bridge, invoked, emit: (p: Push) => listeners.forEach((l) => l(p)), listeners };
}

describe('ipc transport', () => {
  it('turns a failed reply into a TransportError with the code and details (they survive the context bridge as plain data)', async () => {
    const { bridge } = fakeBridge({ code: 'load_failed', message: 'a failed to start (exit code 7)', status: 502, exit_code: 7, log_tail: ['fatal'] });
    const err = await createIpcTransport(bridge, () => undefined).invoke('models.load', { name: 'a' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'load_failed', message: 'a failed to start (exit code 7)', details: { status: 502, exit_code: 7, log_tail: ['fatal'] } });
  });

  it('follows logs with logs.follow and passes on only that model\'s lines', () => {
    const { bridge, invoked, emit, listeners } = fakeBridge();
    const lines: string[] = [];
    const stop = createIpcTransport(bridge, () => undefined).followLogs('a', (l) => lines.push(l.text));
    emit({ type: 'log', model: 'b', line: { at: 'x', stream: 'stdout', text: 'other' } });
    emit({ type: 'log', model: 'a', line: { at: 'x', stream: 'stderr', text: 'mine' } });
    stop();
    emit({ type: 'log', model: 'a', line: { at: 'x', stream: 'stdout', text: 'late' } });
    expect(lines).toEqual(['mine']);
    expect(invoked).toEqual([{ command: 'logs.follow', payload: { name: 'a' } }, { command: 'logs.follow', payload: { name: null } }]);
    expect(listeners.size).toBe(0);
  });
});

describe('ipc transport: desktop actions', () => {
  it('offers desktop actions only where the preload has them, unwrapping replies like invoke', async () => {
    const { bridge } = fakeBridge();
    expect(createIpcTransport(bridge, () => undefined).desktop).toBeUndefined();
    const asked: unknown[][] = [];
    const desktop = (async (action: string, payload: unknown) => {
      asked.push([action, payload]);
      return action === 'file.pickModel' ? { ok: true, value: { path: '/m/a.gguf' } } : { ok: false, error: { code: 'internal', message: 'could not open /c.yaml: no app', status: 500 } };
    }) as NonNullable<PreloadApi['desktop']>;
    const transport = createIpcTransport({ ...bridge, desktop }, () => undefined);
    expect(await transport.desktop?.('file.pickModel', {})).toEqual({ path: '/m/a.gguf' });
    const err = await transport.desktop?.('config.open', {}).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'internal', message: 'could not open /c.yaml: no app' });
    expect(asked).toEqual([['file.pickModel', {}], ['config.open', {}]]);
  });

  it('keeps the refusal hint of a failed load', async () => {
    const { bridge } = fakeBridge({ code: 'pinned_conflict', message: 'pinned models hold what a needs: b', status: 409, hint: 'unpin b' });
    const err = await createIpcTransport(bridge, () => undefined).invoke('models.load', { name: 'a' }).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'pinned_conflict', details: { hint: 'unpin b' } });
  });
});
