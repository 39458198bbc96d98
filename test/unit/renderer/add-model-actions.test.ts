import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../../shared/commands.js';
import type { LoadPlanView } from '../../../shared/model-view.js';
import { createActions } from '../../../renderer/store/actions.js';
import { applyPush } from '../../../renderer/store/reducer.js';
import { lastError } from '../../../renderer/store/selectors.js';
import { initialState } from '../../../renderer/store/state.js';
import { createDashboardStore } from '../../../renderer/store/store.js';
import { TransportError } from '../../../renderer/transport/transport-error.js';
import type { Transport } from '../../../renderer/transport/transport.js';
import { discoveredModels, fileSuggestions, formatContext } from '../../../renderer/features/add-model/discovered.js';
import { model, snapshot } from './fixtures.js';
import { manualTimers } from './stubs.js';

function setup(answers: Partial<Record<CommandName, (payload: unknown) => unknown>>, desktop?: Transport['desktop']) {
  const calls: { command: CommandName; payload: unknown }[] = [];
  const transport: Transport = {
    invoke: (async (command: CommandName, payload: unknown) => {
      calls.push({ command, payload });
      const answer = answers[command] ?? (command === 'snapshot.get' ? () => snapshot() : undefined);
      if (!answer) throw new Error(`unexpected ${command}`);
      return answer(payload);
    }) as Transport['invoke'],
    onEvent: () => () => undefined,
    followLogs: () => () => undefined,
    ...(desktop ? { desktop } : {}),
  };
  const store = createDashboardStore();
  store.setState({ ...store.getState(), models: { a: model('a') }, names: ['a'] }, true);
  const actions = createActions({ store, transport, timers: manualTimers(), now: () => new Date('2026-11-26T21:00:00.000Z') });
  return { store, actions, calls };
}

const refusal = () =>
  new TransportError('pinned_conflict', 'pinned models hold what a needs: big', { status: 409, blocking: ['big'], hint: 'a and big share group g, and big is pinned: unpin it or take one out of the group' });

describe('refused loads', () => {
  it('show as a notice with the hint, never as the model\u2019s last error', async () => {
    const { store, actions } = setup({ 'models.load': () => Promise.reject(refusal()) });
    await actions.load('a');
    const s = store.getState();
    expect(s.refusals).toEqual([{ id: expect.any(Number), model: 'a', code: 'pinned_conflict', message: 'pinned models hold what a needs: big', hint: refusal().details.hint }]);
    expect(s.actionErrors.a).toBeUndefined();
    expect(lastError(s.models.a!, s.actionErrors.a)).toBeNull();
    expect(s.pending.a).toBeUndefined();
  });

  it('keep recording a crash as the last error', async () => {
    const { store, actions } = setup({ 'models.load': () => Promise.reject(new TransportError('load_failed', 'a failed to start: exit 1', { status: 502, exit_code: 1 })) });
    await actions.load('a');
    expect(store.getState().refusals).toEqual([]);
    expect(store.getState().actionErrors.a?.message).toBe('a failed to start: exit 1');
  });

  it('go when dismissed, and when the model loads after all', async () => {
    let refuse = true;
    const { store, actions } = setup({ 'models.load': () => (refuse ? Promise.reject(refusal()) : model('a', { state: 'ready' })) });
    await actions.load('a');
    actions.dismissRefusal(store.getState().refusals[0]!.id);
    expect(store.getState().refusals).toEqual([]);
    await actions.load('a');
    expect(store.getState().refusals).toHaveLength(1);
    refuse = false;
    await actions.load('a');
    expect(store.getState().refusals).toEqual([]);
  });
});

describe('add model actions', () => {
  it('open and close the dialog, and the tray\u2019s ui push opens it', () => {
    const { store, actions } = setup({});
    actions.openAddModel();
    expect(store.getState().addModelOpen).toBe(true);
    actions.closeAddModel();
    expect(store.getState().addModelOpen).toBe(false);
    expect(applyPush(initialState(), { type: 'ui', open: 'add-model' }).addModelOpen).toBe(true);
  });

  it('add a file by path and apply the new model; a refusal comes back with its field', async () => {
    const { store, actions, calls } = setup({
      'models.addFile': (p) => ((p as { path: string }).path === '/m/b.gguf' ? model('b', { source: 'config' }) : Promise.reject(new TransportError('bad_request', 'path: not a GGUF file', { status: 400, field: 'path' }))),
    });
    expect(await actions.addFile('/m/b.gguf')).toMatchObject({ ok: true, model: { name: 'b' } });
    expect(store.getState().models.b?.source).toBe('config');
    const bad = await actions.addFile('/m/x.txt', 'x');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.details.field).toBe('path');
    expect(calls.filter((c) => c.command === 'models.addFile').map((c) => c.payload)).toEqual([{ path: '/m/b.gguf' }, { path: '/m/x.txt', name: 'x' }]);
  });

  it('fetch a plan into the cache, or the reason there is none', async () => {
    const plan: LoadPlanView = { model: 'a', action: 'load', evict: [], blocked_by: [], waits: false, code: null, message: 'a would start', cooldown_until: null, hint: null, memory: null };
    let fail = false;
    const { store, actions } = setup({ 'models.plan': () => (fail ? Promise.reject(new TransportError('model_not_found', 'no model a')) : plan) });
    await actions.fetchPlan('a');
    expect(store.getState().plans.a).toEqual({ plan, error: null });
    fail = true;
    await actions.fetchPlan('a');
    expect(store.getState().plans.a).toEqual({ plan: null, error: 'no model a' });
  });

  it('offer the desktop picker and config opener only where the transport has them', async () => {
    expect(setup({}).actions.desktop).toBeNull();
    const asked: string[] = [];
    const desktop = (async (action: string) => {
      asked.push(action);
      return action === 'file.pickModel' ? { path: '/m/picked.gguf' } : { opened: '/c.yaml' };
    }) as NonNullable<Transport['desktop']>;
    const { actions } = setup({}, desktop);
    expect(await actions.desktop?.pickModelFile()).toBe('/m/picked.gguf');
    await actions.desktop?.openConfigFile();
    expect(asked).toEqual(['file.pickModel', 'config.open']);
  });
});

describe('discovered models for the dialog', () => {
  it('lists only discovered models, and completes paths from their files', () => {
    const models = { a: model('a', { source: 'config', model_file: '/m/a.gguf' }), b: model('b', { source: 'discovered', model_file: '/d/b.gguf' }), c: model('c', { source: 'discovered', model_file: '/d/a.gguf' }) };
    const found = discoveredModels(models, ['a', 'b', 'c']);
    expect(found.map((m) => m.name)).toEqual(['b', 'c']);
    expect(fileSuggestions(found)).toEqual(['/d/a.gguf', '/d/b.gguf']);
  });

  it('writes context lengths in k where they are whole', () => {
    expect([formatContext(32768), formatContext(2000), formatContext(null)]).toEqual(['32k', '2000', '—']);
  });
});
