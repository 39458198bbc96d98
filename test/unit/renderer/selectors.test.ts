import { describe, expect, it } from 'vitest';
import { displayState, groupsView, isBusy, lastError, vramTotals } from '../../../renderer/store/selectors.js';
import type { ActionError } from '../../../renderer/store/state.js';
import { gpu, model } from './fixtures.js';

describe('busy', () => {
  it('is a ready model with requests in flight, not a state of its own', () => {
    expect(isBusy(model('a', { state: 'ready', inflight: 1 }))).toBe(true);
    expect(isBusy(model('a', { state: 'ready', inflight: 0 }))).toBe(false);
    expect(isBusy(model('a', { state: 'stopping', inflight: 2 }))).toBe(false);
    expect(displayState(model('a', { state: 'ready', inflight: 3 }))).toBe('busy');
    expect(displayState(model('a', { state: 'failed' }))).toBe('failed');
  });
});

describe('groupsView', () => {
  const models = {
    a: model('a', { groups: ['big'], state: 'ready' }),
    b: model('b', { groups: ['big', 'audio'] }),
    c: model('c', { groups: ['audio'], state: 'starting' }),
    d: model('d', { groups: ['cold'], state: 'failed' }),
    e: model('e'),
  };
  const view = groupsView(models, ['a', 'b', 'c', 'd', 'e']);

  it('lists each group sorted, with its members in name order', () => {
    expect(view.map((g) => g.name)).toEqual(['audio', 'big', 'cold']);
    expect(view.find((g) => g.name === 'big')?.members).toEqual(['a', 'b']);
  });

  it('names the loaded or starting member as the holder, and none for a free group', () => {
    expect(view.find((g) => g.name === 'big')?.holders).toEqual(['a']);
    expect(view.find((g) => g.name === 'audio')?.holders).toEqual(['c']);
    expect(view.find((g) => g.name === 'cold')?.holders).toEqual([]);
  });
});

describe('vramTotals', () => {
  it('sums devices, and is null when there is no GPU data', () => {
    const two = gpu({ devices: [
      { index: 0, name: 'x', vendor: 'nvidia', total_bytes: 10, used_bytes: 4 },
      { index: 1, name: 'y', vendor: 'nvidia', total_bytes: 20, used_bytes: 5 },
    ] });
    expect(vramTotals(two)).toEqual({ used: 9, total: 30 });
    expect(vramTotals(gpu({ devices: [] }))).toBeNull();
    expect(vramTotals(gpu({ source: 'none' }))).toBeNull();
    expect(vramTotals(null)).toBeNull();
  });
});

describe('lastError', () => {
  const engineError = { code: 'load_failed', message: 'engine', exit_code: 1, log_tail: ['x'], at: '2026-11-26T21:00:00.000Z' };
  const actionError: ActionError = { action: 'load', code: 'busy', message: 'ours', exit_code: null, log_tail: [], at: '2026-11-26T21:01:00.000Z' };

  it('shows the newer of the engine error and our failed action', () => {
    expect(lastError(model('a', { error: engineError }), actionError)?.message).toBe('ours');
    expect(lastError(model('a', { error: { ...engineError, at: '2026-11-26T21:02:00.000Z' } }), actionError)?.message).toBe('engine');
    expect(lastError(model('a'), undefined)).toBeNull();
  });

  it('forgets our failed action once the model was loaded after it', () => {
    expect(lastError(model('a', { state: 'ready', loaded_at: '2026-11-26T21:05:00.000Z' }), actionError)).toBeNull();
  });
});
