import { describe, expect, it } from 'vitest';
import type { LoadoutBridge } from '../../../shared/bridge.js';
import type { Push } from '../../../shared/push.js';
import { createIpcTransport } from '../../../renderer/transport/ipc-transport.js';
import { TransportError } from '../../../renderer/transport/transport-error.js';

function fakeBridge(fail?: Error) {
  const listeners = new Set<(p: Push) => void>();
  const invoked: { command: string; payload: unknown }[] = [];
  const bridge: LoadoutBridge = {
    invoke: (async (command: string, payload: unknown) => {
      invoked.push({ command, payload });
      if (fail) throw fail;
      return { following: null };
    }) as LoadoutBridge['invoke'],
    onEvent: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
  return { bridge, invoked, emit: (p: Push) => listeners.forEach((l) => l(p)), listeners };
}

describe('ipc transport', () => {
  it('turns the preload rejection (an Error with .code) into a TransportError', async () => {
    const e = Object.assign(new Error('pinned model big-one holds group big'), { code: 'pinned_conflict' });
    const { bridge } = fakeBridge(e);
    const err = await createIpcTransport(bridge, () => undefined).invoke('models.load', { name: 'a' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'pinned_conflict', message: 'pinned model big-one holds group big' });
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
