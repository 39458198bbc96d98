import { describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { KeepAliveTimers, keepAliveDelay, parseKeepAlive } from '../../../electron/api/http/ollama/keep-alive.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';

describe('parseKeepAlive', () => {
  it('reads seconds, Go durations and "forever"', () => {
    expect(parseKeepAlive(1800)).toBe(1_800_000);
    expect(parseKeepAlive('300')).toBe(300_000);
    expect(parseKeepAlive('5m')).toBe(300_000);
    expect(parseKeepAlive('1h30m')).toBe(5_400_000);
    expect(parseKeepAlive('1.5s')).toBe(1500);
    expect(parseKeepAlive('300ms')).toBe(300);
    expect(parseKeepAlive(0)).toBe(0);
    expect(parseKeepAlive(-1)).toBe(-1);
    expect(parseKeepAlive('-1m')).toBe(-1);
    expect(parseKeepAlive(undefined)).toBeUndefined();
    expect(parseKeepAlive(null)).toBeUndefined();
  });

  it('names the field when the value is malformed', () => {
    expect(parseKeepAlive('soon')).toEqual({ error: expect.stringContaining('keep_alive:') });
    expect(parseKeepAlive(true)).toEqual({ error: expect.stringContaining('keep_alive:') });
  });
});

describe('keepAliveDelay', () => {
  it('lets a client shorten the configured idle time, never lengthen it', () => {
    expect(keepAliveDelay(60_000, 900_000, false)).toBe(60_000);
    expect(keepAliveDelay(1_800_000, 900_000, false)).toBeNull();
    expect(keepAliveDelay(900_000, 900_000, false)).toBeNull();
  });

  it('unloads at once for keep_alive 0, and honours any finite hint when the model never idles out', () => {
    expect(keepAliveDelay(0, 900_000, false)).toBe(0);
    expect(keepAliveDelay(60_000, 0, false)).toBe(60_000);
  });

  it('changes nothing for pinned models or "forever"', () => {
    expect(keepAliveDelay(0, 900_000, true)).toBeNull();
    expect(keepAliveDelay(-1, 900_000, false)).toBeNull();
  });
});

function engineWith(view: Partial<ModelView>) {
  const unloads: string[] = [];
  const state = { view: { name: 'm', state: 'ready', inflight: 0, queued: 0, last_used_at: null, ...view } as ModelView };
  return {
    unloads,
    state,
    engine: {
      getModel: () => state.view,
      unload: async (name: string) => {
        unloads.push(name);
        return state.view;
      },
    },
  };
}

describe('KeepAliveTimers', () => {
  it('unloads an idle model when its keep_alive runs out', () => {
    const clock = new FakeClock();
    const e = engineWith({ last_used_at: new Date(clock.now()).toISOString() });
    const timers = new KeepAliveTimers(e.engine, clock, silentLogger);
    timers.requestEnded('m', 60_000);
    clock.advance(59_999);
    expect(e.unloads).toEqual([]);
    clock.advance(1);
    expect(e.unloads).toEqual(['m']);
  });

  it('keep_alive 0 unloads as soon as the request ends', () => {
    const clock = new FakeClock();
    const e = engineWith({});
    new KeepAliveTimers(e.engine, clock, silentLogger).requestEnded('m', 0);
    expect(e.unloads).toEqual(['m']);
  });

  it('a new request cancels the pending unload', () => {
    const clock = new FakeClock();
    const e = engineWith({});
    const timers = new KeepAliveTimers(e.engine, clock, silentLogger);
    timers.requestEnded('m', 60_000);
    clock.advance(30_000);
    timers.requestStarted('m');
    clock.advance(60_000);
    expect(e.unloads).toEqual([]);
  });

  it('leaves a model alone that is busy, awaited, or was used since by another client', () => {
    const clock = new FakeClock();
    const e = engineWith({});
    const timers = new KeepAliveTimers(e.engine, clock, silentLogger);
    timers.requestEnded('m', 1000);
    e.state.view = { ...e.state.view, inflight: 1 };
    clock.advance(1000);
    timers.requestEnded('m', 1000);
    e.state.view = { ...e.state.view, inflight: 0, last_used_at: new Date(clock.now() + 500).toISOString() };
    clock.advance(1000);
    timers.requestEnded('m', 1000);
    e.state.view = { ...e.state.view, queued: 1, last_used_at: null };
    clock.advance(1000);
    expect(e.unloads).toEqual([]);
  });

  it('dispose cancels every timer', () => {
    const clock = new FakeClock();
    const e = engineWith({});
    const timers = new KeepAliveTimers(e.engine, clock, silentLogger);
    timers.requestEnded('m', 1000);
    timers.dispose();
    clock.advance(5000);
    expect(e.unloads).toEqual([]);
  });
});
