import { describe, expect, it } from 'vitest';
import { LoadNews } from '../../../electron/api/http/loading-state.js';
import type { ModelView } from '../../../shared/model-view.js';

const view = (p: Partial<Pick<ModelView, 'load_eta_ms' | 'load_progress' | 'load_waiting_for'>>): ModelView =>
  ({ load_eta_ms: null, load_progress: null, load_waiting_for: [], ...p }) as ModelView;

describe('LoadNews', () => {
  it('tells each change once: the usual time, the models waited for, whole percents', () => {
    const n = new LoadNews();
    expect(n.of(view({}))).toBeNull();
    expect(n.of(view({ load_eta_ms: 12_340, load_waiting_for: ['a', 'b'] }))).toBe(' (usually 12.3s) waiting for a, b');
    expect(n.of(view({ load_eta_ms: 12_340, load_waiting_for: ['a', 'b'] }))).toBeNull();
    expect(n.of(view({ load_eta_ms: 12_340, load_progress: 0.104 }))).toBe(' 10%');
    expect(n.of(view({ load_eta_ms: 12_340, load_progress: 0.109 }))).toBeNull(); // same whole percent
    expect(n.of(view({ load_eta_ms: 12_340, load_progress: 0.5 }))).toBe(' 50%');
    expect(n.of(view({ load_waiting_for: ['c'] }))).toBe(' waiting for c');
  });
});
