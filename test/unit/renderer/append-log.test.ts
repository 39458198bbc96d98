import { describe, expect, it } from 'vitest';
import { appendToLog, dropWhile, emptyLog, logAt, logSize, logToArray } from '../../../renderer/store/append-log.js';
import { applyPush } from '../../../renderer/store/reducer.js';
import { initialState } from '../../../renderer/store/state.js';
import { event } from './fixtures.js';

describe('AppendLog', () => {
  it('indexes oldest first and caps at the newest entries', () => {
    let log = emptyLog<number>();
    for (let i = 0; i < 10; i++) log = appendToLog(log, i, 4);
    expect(logToArray(log)).toEqual([6, 7, 8, 9]);
    expect(logAt(log, 0)).toBe(6);
    expect(logAt(log, 4)).toBeUndefined();
  });

  it('drops from the front while the predicate holds', () => {
    let log = emptyLog<number>();
    for (let i = 0; i < 5; i++) log = appendToLog(log, i, 100);
    expect(logToArray(dropWhile(log, (n) => n < 3))).toEqual([3, 4]);
    expect(dropWhile(log, () => false)).toBe(log);
  });

  it('copies on append to an older version instead of changing what it shows', () => {
    const a = appendToLog(emptyLog<string>(), 'a', 10);
    const ab = appendToLog(a, 'b', 10);
    const ac = appendToLog(a, 'c', 10);
    expect(logToArray(a)).toEqual(['a']);
    expect(logToArray(ab)).toEqual(['a', 'b']);
    expect(logToArray(ac)).toEqual(['a', 'c']);
  });
});

describe('event throughput', () => {
  // Counts copied entries rather than timing: copying the whole list per event would be ~N²/2.
  function copiesFor(n: number): number {
    let s = initialState();
    for (let i = 1; i <= n; i++) s = applyPush(s, { type: 'event', event: event(i) });
    expect(logSize(s.events)).toBe(Math.min(n, 10_000));
    return s.events.copies;
  }

  it('applies 10,000 events with a linear number of copies', () => {
    expect(copiesFor(10_000)).toBeLessThanOrEqual(10_000);
  });

  it('keeps copying linear once the cap is reached (30,000 events)', () => {
    const copies = copiesFor(30_000);
    expect(copies).toBeLessThanOrEqual(2 * 30_000);
  });
});
