import { describe, expect, it } from 'vitest';
import { appendToLog, emptyLog, logFromArray, type AppendLog } from '../../../renderer/store/append-log.js';
import type { LoadoutEvent } from '../../../shared/events.js';
import { computeWindow } from '../../../renderer/lib/compute-window.js';
import { createTicker } from '../../../renderer/lib/ticker.js';
import { resolveApiKey } from '../../../renderer/transport/api-key.js';
import { filterEvents } from '../../../renderer/features/events/event-filter.js';
import { chartPaths, deviceSegments, deviceSeries, modelBands } from '../../../renderer/features/vram/vram-data.js';
import { event, gpu } from './fixtures.js';
import { manualTimers } from './stubs.js';

describe('computeWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    expect(computeWindow(0, 400, 40, 500, 5)).toEqual({ start: 0, end: 16, padTop: 0, padBottom: 484 * 40 });
    const w = computeWindow(4000, 400, 40, 500, 5);
    expect(w.start).toBe(95);
    expect(w.end).toBe(116);
    expect(w.padTop + (w.end - w.start) * 40 + w.padBottom).toBe(500 * 40);
  });

  it('handles empty lists and scrolling past the end', () => {
    expect(computeWindow(0, 400, 40, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
    const w = computeWindow(1e6, 400, 40, 10, 2);
    expect(w.end).toBe(10);
    expect(w.start).toBeLessThan(10);
  });
});

describe('filterEvents', () => {
  let log: AppendLog<LoadoutEvent> = emptyLog();
  log = appendToLog(log, event(1, 'model_ready', { model: 'a' }), 100);
  log = appendToLog(log, event(2, 'model_evicted', { model: 'b', reason: 'idle' }), 100);
  log = appendToLog(log, event(3, 'model_ready', { model: 'b' }), 100);

  it('lists newest first without a filter', () => {
    const v = filterEvents(log, { type: '', model: '' });
    expect([0, 1, 2].map((i) => v.at(i)?.seq)).toEqual([3, 2, 1]);
  });

  it('filters by type and by model together', () => {
    const v = filterEvents(log, { type: 'model_ready', model: 'b' });
    expect(v.size).toBe(1);
    expect(v.at(0)?.seq).toBe(3);
  });
});

describe('deviceSegments', () => {
  it('splits a device into model shares, other processes and free', () => {
    const g = gpu({ processes: [
      { pid: 1, model: 'qwen', used_bytes: 6 * 2 ** 30 },
      { pid: 2, model: null, used_bytes: 2 ** 30 },
      { pid: 3, model: 'embed', used_bytes: 2 ** 30 },
    ] });
    const segs = deviceSegments(g, g.devices[0]!);
    expect(segs.map((s) => [s.label, s.bytes / 2 ** 30])).toEqual([['qwen', 6], ['embed', 1], ['Other processes', 3], ['Free', 14]]);
  });

  it('places processes by device index when there are several devices', () => {
    const g = gpu({
      devices: [
        { index: 0, name: 'a', vendor: 'nvidia', total_bytes: 100, used_bytes: 50 },
        { index: 1, name: 'b', vendor: 'nvidia', total_bytes: 100, used_bytes: 30 },
      ],
      processes: [{ pid: 1, model: 'm', used_bytes: 30, device_index: 1 }, { pid: 2, model: 'n', used_bytes: 10 }],
    });
    expect(deviceSegments(g, g.devices[0]!).map((s) => s.label)).toEqual(['Other processes', 'Free']);
    expect(deviceSegments(g, g.devices[1]!).map((s) => [s.label, s.bytes])).toEqual([['m', 30], ['Free', 70]]);
  });
});

describe('history chart', () => {
  it('scales a series into the box and closes the area', () => {
    let h = emptyLog<{ at: string; used: number[]; models: Record<string, number> }>();
    h = appendToLog(h, { at: new Date(0).toISOString(), used: [0], models: {} }, 10);
    h = appendToLog(h, { at: new Date(1000).toISOString(), used: [50], models: {} }, 10);
    const series = deviceSeries(h, 0, 0);
    expect(series).toEqual([{ t: 0, used: 0 }, { t: 1000, used: 50 }]);
    const { line, area } = chartPaths(series, 100, 200, 40, 0, 1000);
    expect(line).toBe('M0.0,40.0L200.0,20.0');
    expect(area).toBe('M0.0,40.0L200.0,20.0L200.0,40L0.0,40Z');
    expect(chartPaths([], 100, 200, 40, 0, 1000)).toEqual({ line: '', area: '' });
  });
});

describe('ticker', () => {
  it('runs one timer for any number of subscribers, and none without', () => {
    const timers = manualTimers();
    let clock = 500;
    const ticker = createTicker(1000, { ...timers, clock: () => clock });
    let ticks = 0;
    const offs = [1, 2, 3].map(() => ticker.subscribe(() => ticks++));
    expect(timers.pending).toHaveLength(1);
    expect(timers.pending[0]?.ms).toBe(500);
    clock = 1000;
    timers.runAll();
    expect(ticks).toBe(3);
    expect(ticker.now()).toBe(1000);
    offs.forEach((off) => off());
    expect(timers.pending).toHaveLength(0);
  });
});

describe('resolveApiKey', () => {
  it('takes ?key= once, remembers it and removes it from the URL', () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    expect(resolveApiKey('?key=abc&x=1', storage)).toEqual({ key: 'abc', search: '?x=1' });
    expect(resolveApiKey('', storage)).toEqual({ key: 'abc', search: '' });
    expect(resolveApiKey('', null)).toEqual({ key: null, search: '' });
  });
});

describe('model bands in the history chart', () => {
  it('stacks each model’s memory on a device in name order, one closed band per model', () => {
    const h = logFromArray(
      [0, 1000].map((t) => ({ at: new Date(t).toISOString(), used: [60], models: { b: 20, a: 30 }, device_models: [{ b: 20, a: 30 }] })),
      10,
    );
    const bands = modelBands(h, 0, 100, 100, 100, 0, 1000);
    expect(bands.map((b) => b.model)).toEqual(['a', 'b']);
    // a spans 0..30 (y 100..70); b sits on it, 30..50 (y 70..50)
    expect(bands[0]!.d).toBe('M0.0,70.0L100.0,70.0L100.0,100.0L0.0,100.0Z');
    expect(bands[1]!.d).toBe('M0.0,50.0L100.0,50.0L100.0,70.0L0.0,70.0Z');
    expect(modelBands(h, 1, 100, 100, 100, 0, 1000)).toEqual([]);
  });
});
