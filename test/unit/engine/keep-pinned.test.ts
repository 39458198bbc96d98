import { describe, expect, it } from 'vitest';
import type { Cooldown } from '../../../electron/engine/loader/cooldown.js';
import { holdAfterStart, keepPinned, MIN_HOLD_MS, type KeptModel } from '../../../electron/engine/watchdog/keep-pinned.js';

const NOW = 1_000_000;
const m = (name: string, o: Partial<KeptModel> = {}): KeptModel => ({ name, pinned: true, ready: false, active: false, released: false, cooldownUntil: null, ...o });
const hold = (until: number, failures = 1): Cooldown => ({ failures, until, announced: false });

describe('keepPinned', () => {
  it('starts pinned models that are not running, and only those', () => {
    const d = keepPinned(NOW, [m('stopped'), m('unpinned', { pinned: false }), m('running', { active: true, ready: true }), m('loading', { active: true })], new Map());
    expect(d.start).toEqual(['stopped']);
  });

  it('leaves a pinned model alone that the user unloaded by hand', () => {
    expect(keepPinned(NOW, [m('a', { released: true })], new Map()).start).toEqual([]);
  });

  it('waits out the load-failure cooldown and its own hold', () => {
    expect(keepPinned(NOW, [m('a', { cooldownUntil: NOW + 1 })], new Map()).start).toEqual([]);
    expect(keepPinned(NOW, [m('a')], new Map([['a', hold(NOW + 1)]])).start).toEqual([]);
    expect(keepPinned(NOW, [m('a', { cooldownUntil: NOW })], new Map([['a', hold(NOW)]])).start).toEqual(['a']);
  });

  it('forgives restarts in a row once the model stays ready past its hold, or is unpinned', () => {
    const restarts = new Map([['up', hold(NOW)], ['young', hold(NOW + 1)], ['unpinned', hold(NOW + 1)]]);
    const d = keepPinned(NOW, [m('up', { ready: true, active: true }), m('young', { ready: true, active: true }), m('unpinned', { pinned: false })], restarts);
    expect(d.settled).toEqual(['up', 'unpinned']);
  });
});

describe('holdAfterStart', () => {
  it('doubles per restart in a row, up to the max', () => {
    let h = holdAfterStart(undefined, NOW, 10_000, 35_000);
    const waits = [h.until - NOW];
    for (let i = 0; i < 3; i++) {
      h = holdAfterStart(h, NOW, 10_000, 35_000);
      waits.push(h.until - NOW);
    }
    expect(waits).toEqual([10_000, 20_000, 35_000, 35_000]);
  });

  it('holds at least MIN_HOLD_MS when the load-failure cooldown is off', () => {
    expect(holdAfterStart(undefined, NOW, 0, 0).until - NOW).toBe(MIN_HOLD_MS);
  });
});
