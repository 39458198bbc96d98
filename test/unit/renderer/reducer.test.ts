import { describe, expect, it } from 'vitest';
import { logSize, logToArray } from '../../../renderer/store/append-log.js';
import { applyPush, applySnapshot } from '../../../renderer/store/reducer.js';
import { EVENTS_CAP, GPU_HISTORY_MS, initialState, LOG_LINES_CAP } from '../../../renderer/store/state.js';
import { followModel } from '../../../renderer/store/mutations.js';
import { event, gpu, model, settings, snapshot } from './fixtures.js';

describe('applyPush', () => {
  it('appends a new event and advances lastSeq', () => {
    const s = applyPush(initialState(), { type: 'event', event: event(1) });
    expect(s.lastSeq).toBe(1);
    expect(logToArray(s.events).map((e) => e.seq)).toEqual([1]);
  });

  it('ignores events at or below lastSeq, returning the same state (dedupe across reconnect)', () => {
    const s1 = applyPush(applyPush(initialState(), { type: 'event', event: event(1) }), { type: 'event', event: event(2) });
    expect(applyPush(s1, { type: 'event', event: event(2) })).toBe(s1);
    expect(applyPush(s1, { type: 'event', event: event(1) })).toBe(s1);
    expect(logSize(s1.events)).toBe(2);
  });

  it('keeps only the newest EVENTS_CAP events', () => {
    let s = initialState();
    for (let i = 1; i <= EVENTS_CAP + 50; i++) s = applyPush(s, { type: 'event', event: event(i) });
    expect(logSize(s.events)).toBe(EVENTS_CAP);
    const seqs = logToArray(s.events).map((e) => e.seq);
    expect(seqs[0]).toBe(51);
    expect(seqs.at(-1)).toBe(EVENTS_CAP + 50);
  });

  it('sets the config banner on config_invalid and clears it on config_reloaded', () => {
    const bad = applyPush(initialState(), { type: 'event', event: event(1, 'config_invalid', { message: 'line 3: bad key', model: null }) });
    expect(bad.configError).toBe('line 3: bad key');
    const other = applyPush(bad, { type: 'event', event: event(2, 'model_ready') });
    expect(other.configError).toBe('line 3: bad key');
    const good = applyPush(other, { type: 'event', event: event(3, 'config_reloaded') });
    expect(good.configError).toBeNull();
  });

  it('shows the warnings of the newest config_warning event, and the snapshot replaces them', () => {
    const warned = applyPush(initialState(), { type: 'event', event: event(1, 'config_warning', { model: null, data: { warnings: ['a.yaml: template: ignored'] } }) });
    expect(warned.configWarnings).toEqual(['a.yaml: template: ignored']);
    const kept = applyPush(warned, { type: 'event', event: event(2, 'model_ready') });
    expect(kept.configWarnings).toEqual(['a.yaml: template: ignored']);
    const cleared = applyPush(kept, { type: 'event', event: event(3, 'config_warning', { model: null, data: { warnings: [] } }) });
    expect(cleared.configWarnings).toEqual([]);
    expect(applySnapshot(cleared, snapshot({ config_warnings: ['b.yaml: x: ignored'] })).configWarnings).toEqual(['b.yaml: x: ignored']);
  });

  it("takes the API's URL from the snapshot; an older main process without it leaves it unknown", () => {
    expect(applySnapshot(initialState(), snapshot({ api_url: 'http://127.0.0.1:11500' })).apiUrl).toBe('http://127.0.0.1:11500');
    expect(applySnapshot(initialState(), snapshot()).apiUrl).toBeNull();
  });

  it('replaces one model and keeps the sorted name list when the name is known', () => {
    const s = applySnapshot(initialState(), snapshot());
    expect(s.names).toEqual(['a', 'b']);
    const next = applyPush(s, { type: 'model', model: model('a', { state: 'ready', inflight: 2 }) });
    expect(next.models.a?.inflight).toBe(2);
    expect(next.models.b).toBe(s.models.b);
    expect(next.names).toBe(s.names);
  });

  it('adds an unknown model in sorted order', () => {
    const s = applySnapshot(initialState(), snapshot());
    const next = applyPush(s, { type: 'model', model: model('aa') });
    expect(next.names).toEqual(['a', 'aa', 'b']);
  });

  it('replaces settings', () => {
    const next = applyPush(initialState(), { type: 'settings', settings: settings({ idle_timeout: '1h' }) });
    expect(next.settings?.idle_timeout).toBe('1h');
  });

  it('stores the GPU snapshot and appends history points, dropping those older than ten minutes', () => {
    const t0 = Date.parse('2026-11-26T21:00:00.000Z');
    const point = (ms: number) => ({ at: new Date(t0 + ms).toISOString(), used: [ms], models: {} });
    let s = applyPush(initialState(), { type: 'gpu', gpu: gpu(), point: point(0) });
    s = applyPush(s, { type: 'gpu', gpu: gpu(), point: point(60_000) });
    expect(logSize(s.gpuHistory)).toBe(2);
    s = applyPush(s, { type: 'gpu', gpu: gpu({ source: 'ram' }), point: point(GPU_HISTORY_MS + 30_000) });
    expect(s.gpu?.source).toBe('ram');
    expect(logToArray(s.gpuHistory).map((p) => p.used[0])).toEqual([60_000, GPU_HISTORY_MS + 30_000]);
  });

  it('updates the GPU snapshot without touching history when the push has no point', () => {
    const s = applyPush(initialState(), { type: 'gpu', gpu: gpu(), point: null });
    expect(s.gpu).not.toBeNull();
    expect(logSize(s.gpuHistory)).toBe(0);
  });

  it('keeps log lines only for the followed model, capped', () => {
    const line = (text: string) => ({ at: '2026-11-26T21:00:00.000Z', stream: 'stdout' as const, text });
    const s0 = initialState();
    expect(applyPush(s0, { type: 'log', model: 'a', line: line('x') })).toBe(s0);
    let s = followModel(s0, 'a');
    s = applyPush(s, { type: 'log', model: 'b', line: line('other') });
    for (let i = 0; i < LOG_LINES_CAP + 5; i++) s = applyPush(s, { type: 'log', model: 'a', line: line(String(i)) });
    expect(logSize(s.logs.lines)).toBe(LOG_LINES_CAP);
    expect(logToArray(s.logs.lines).at(-1)?.text).toBe(String(LOG_LINES_CAP + 4));
  });

  it('does not change earlier states (old versions keep their own events)', () => {
    const s1 = applyPush(initialState(), { type: 'event', event: event(1) });
    const s2 = applyPush(s1, { type: 'event', event: event(2) });
    const branch = applyPush(s1, { type: 'event', event: event(3) });
    expect(logToArray(s1.events).map((e) => e.seq)).toEqual([1]);
    expect(logToArray(s2.events).map((e) => e.seq)).toEqual([1, 2]);
    expect(logToArray(branch.events).map((e) => e.seq)).toEqual([1, 3]);
  });
});

describe('applySnapshot', () => {
  it('replaces models, settings, gpu and config error, and merges events by seq', () => {
    let s = applyPush(initialState(), { type: 'event', event: event(1) });
    s = applySnapshot(s, snapshot({ events: [event(3), event(1), event(2)], last_seq: 3, config_error: 'broken' }));
    expect(s.hasSnapshot).toBe(true);
    expect(logToArray(s.events).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(s.lastSeq).toBe(3);
    expect(s.configError).toBe('broken');
    expect(Object.keys(s.models).sort()).toEqual(['a', 'b']);
  });

  it('drops models the new snapshot no longer has', () => {
    const s = applySnapshot(applySnapshot(initialState(), snapshot()), snapshot({ models: [model('a')] }));
    expect(s.names).toEqual(['a']);
    expect(s.models.b).toBeUndefined();
  });

  it('takes last_seq from the snapshot even when it carries no events', () => {
    const s = applySnapshot(initialState(), snapshot({ last_seq: 42 }));
    expect(s.lastSeq).toBe(42);
    expect(applyPush(s, { type: 'event', event: event(42) })).toBe(s);
  });
});
