import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../../shared/commands.js';
import type { Push } from '../../../shared/push.js';
import { createActions } from '../../../renderer/store/actions.js';
import { logToArray } from '../../../renderer/store/append-log.js';
import { createDashboardStore } from '../../../renderer/store/store.js';
import { TransportError } from '../../../renderer/transport/transport-error.js';
import type { ConnectionState, Transport } from '../../../renderer/transport/transport.js';
import type { LogLine } from '../../../shared/commands.js';
import { event, model, snapshot } from './fixtures.js';
import { manualTimers } from './stubs.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A transport whose answers the test sets per command, with hooks to push and drop the connection. */
function fakeTransport(answers: Partial<Record<CommandName, (payload: unknown) => unknown>>) {
  const push: ((p: Push) => void)[] = [];
  const conn: ((s: ConnectionState) => void)[] = [];
  const logs = new Map<string, (l: LogLine) => void>();
  const calls: { command: CommandName; payload: unknown }[] = [];
  const transport: Transport = {
    invoke: (async (command: CommandName, payload: unknown) => {
      calls.push({ command, payload });
      const answer = answers[command];
      if (!answer) throw new Error(`unexpected ${command}`);
      return answer(payload);
    }) as Transport['invoke'],
    onEvent: (l) => { push.push(l); return () => undefined; },
    onConnection: (l) => { conn.push(l); return () => undefined; },
    followLogs: (m, l) => { logs.set(m, l); return () => logs.delete(m); },
  };
  return { transport, calls, push: (p: Push) => push.forEach((l) => l(p)), connection: (s: ConnectionState) => conn.forEach((l) => l(s)), logs };
}

function setup(answers: Parameters<typeof fakeTransport>[0]) {
  const fake = fakeTransport({ 'snapshot.get': () => snapshot(), ...answers });
  const store = createDashboardStore();
  const actions = createActions({ store, transport: fake.transport, timers: manualTimers(), now: () => new Date('2026-11-26T21:00:00.000Z') });
  return { ...fake, store, actions };
}

describe('dashboard actions', () => {
  it('loads the snapshot, then applies pushes', async () => {
    const { store, actions, push } = setup({});
    actions.start();
    await flush();
    expect(store.getState().names).toEqual(['a', 'b']);
    push({ type: 'model', model: model('a', { state: 'ready' }) });
    expect(store.getState().models.a?.state).toBe('ready');
  });

  it('re-reads the snapshot after the stream reconnects', async () => {
    let version = 0;
    const { store, actions, connection, calls } = setup({ 'snapshot.get': () => snapshot({ models: version++ === 0 ? [model('a')] : [model('a'), model('c')] }) });
    actions.start();
    await flush();
    connection('connected');
    connection('reconnecting');
    expect(store.getState().connection).toBe('reconnecting');
    connection('connected');
    await flush();
    expect(calls.filter((c) => c.command === 'snapshot.get')).toHaveLength(2);
    expect(store.getState().names).toEqual(['a', 'c']);
  });

  it('marks a load pending, then applies the returned model view', async () => {
    const { store, actions } = setup({ 'models.load': () => model('a', { state: 'ready' }) });
    actions.start();
    await flush();
    const done = actions.load('a');
    expect(store.getState().pending.a).toBe('load');
    await done;
    expect(store.getState().pending.a).toBeUndefined();
    expect(store.getState().models.a?.state).toBe('ready');
  });

  it('puts a failed load on the model and in a toast, with the exit code and log tail', async () => {
    const { store, actions } = setup({
      'models.load': () => { throw new TransportError('load_failed', 'backend exited with code 137', { exit_code: 137, log_tail: ['CUDA out of memory'] }); },
    });
    actions.start();
    await flush();
    await actions.load('a');
    const s = store.getState();
    expect(s.actionErrors.a).toMatchObject({ action: 'load', code: 'load_failed', exit_code: 137, log_tail: ['CUDA out of memory'] });
    expect(s.toasts.map((t) => t.message)).toEqual(['Load a failed: backend exited with code 137']);
    expect(s.pending.a).toBeUndefined();
  });

  it('returns the server message when settings are refused', async () => {
    const { actions } = setup({ 'settings.update': () => { throw new TransportError('bad_request', 'interval must be at least 50ms'); } });
    const result = await actions.updateSettings({ interval: '1ms' });
    expect(result).toMatchObject({ ok: false, error: { message: 'interval must be at least 50ms' } });
  });

  it('shows the log tail first, then live lines, without duplicates', async () => {
    const line = (text: string): LogLine => ({ at: '2026-11-26T21:00:00.000Z', stream: 'stdout', text });
    let resolveTail: (v: { lines: LogLine[] }) => void = () => undefined;
    const { store, actions, logs } = setup({ 'logs.tail': () => new Promise((r) => { resolveTail = r; }) });
    actions.followLogs('a');
    logs.get('a')?.(line('2'));
    logs.get('a')?.(line('3'));
    resolveTail({ lines: [line('1'), line('2')] });
    await flush();
    expect(logToArray(store.getState().logs.lines).map((l) => l.text)).toEqual(['1', '2', '3']);
    actions.followLogs('b');
    expect(logs.has('a')).toBe(false);
    expect(store.getState().logs.model).toBe('b');
  });

  it('ignores log pushes on the main channel (they come through followLogs)', async () => {
    const { store, actions, push } = setup({ 'logs.tail': () => ({ lines: [] }) });
    actions.start();
    actions.followLogs('a');
    await flush();
    push({ type: 'log', model: 'a', line: { at: 'x', stream: 'stdout', text: 'dup' } });
    expect(logToArray(store.getState().logs.lines)).toEqual([]);
  });

  it('retries the snapshot while the server cannot be reached', async () => {
    const fake = fakeTransport({ 'snapshot.get': () => { throw new TransportError('network', 'Cannot reach the Loadout server'); } });
    const store = createDashboardStore();
    const timers = manualTimers();
    createActions({ store, transport: fake.transport, timers, now: () => new Date() }).start();
    await flush();
    expect(store.getState()).toMatchObject({ connection: 'offline', connectionError: 'Cannot reach the Loadout server' });
    expect(timers.pending).toHaveLength(1);
  });

  it('applies events once even when replayed', async () => {
    const { store, actions, push } = setup({});
    actions.start();
    await flush();
    push({ type: 'event', event: event(1) });
    push({ type: 'event', event: event(1) });
    expect(logToArray(store.getState().events)).toHaveLength(1);
  });
});
