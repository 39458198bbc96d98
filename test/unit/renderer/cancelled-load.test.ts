import { describe, expect, it } from 'vitest';
import { actionFailed, startAction } from '../../../renderer/store/mutations.js';
import { initialState } from '../../../renderer/store/state.js';
import { TransportError } from '../../../renderer/transport/transport-error.js';

const AT = '2026-11-30T12:00:00.000Z';

describe('a cancelled load on the dashboard', () => {
  it('is not reported as a failure: no toast, no error in the row, and the Cancel click stays pending', () => {
    let s = startAction(initialState(), 'm', 'load');
    s = startAction(s, 'm', 'unload'); // Cancel clicked while the load was on its way
    s = actionFailed(s, 'm', 'load', new TransportError('load_cancelled', 'loading m was cancelled while it started (it was unloaded)'), AT);
    expect(s.toasts).toEqual([]);
    expect(s.actionErrors).toEqual({});
    expect(s.pending).toEqual({ m: 'unload' });
  });

  it('clears the load’s own pending mark when the cancel came from elsewhere', () => {
    const s = actionFailed(startAction(initialState(), 'm', 'load'), 'm', 'load', new TransportError('load_cancelled', 'cancelled'), AT);
    expect(s.pending).toEqual({});
    expect(s.actionErrors).toEqual({});
  });

  it('still reports a real load failure', () => {
    const s = actionFailed(startAction(initialState(), 'm', 'load'), 'm', 'load', new TransportError('load_failed', 'exited with code 1'), AT);
    expect(s.actionErrors.m).toMatchObject({ code: 'load_failed' });
    expect(s.toasts).toHaveLength(1);
  });
});
