import { describe, expect, it } from 'vitest';
import { NO_STATS, percentile, RequestStats, tokensPerSecond, type FinishedRequest } from '../../../electron/engine/stats/request-stats.js';

const ok = (latencyMs: number, completion: number | null = null, generationMs = latencyMs): FinishedRequest => ({
  model: 'm', error: null, tokens: completion === null ? null : { prompt: 1, completion }, latencyMs, generationMs,
});

describe('percentile', () => {
  it('is the nearest-rank value: one that was observed', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([40, 10, 30, 20], 0.5)).toBe(20);
    expect(percentile([50, 10, 40, 20, 30], 0.5)).toBe(30);
    expect(percentile([1, 2, 3, 4], 1)).toBe(4);
  });
});

describe('tokensPerSecond', () => {
  it('is total completion tokens over total generation time, so long answers weigh more', () => {
    expect(tokensPerSecond([{ completion: 100, generationMs: 1000 }, { completion: 10, generationMs: 1000 }])).toBe(55);
  });

  it('skips answers without usage or without time, and is null when none is left', () => {
    expect(tokensPerSecond([{ completion: null, generationMs: 500 }, { completion: 5, generationMs: 0 }])).toBeNull();
    expect(tokensPerSecond([{ completion: null, generationMs: 500 }, { completion: 30, generationMs: 1500 }])).toBe(20);
  });
});

describe('RequestStats', () => {
  it('starts empty for a model it has not seen', () => {
    expect(new RequestStats().view('m')).toEqual(NO_STATS);
  });

  it('counts requests and errors since start; a client that hung up is neither an error nor a latency', () => {
    const s = new RequestStats();
    s.record(ok(100, 10, 500));
    s.record({ ...ok(5), error: 'backend_error' });
    s.record({ ...ok(9000), error: 'client_closed' });
    expect(s.view('m')).toEqual({ requests: 3, errors: 1, tokens_per_s: 20, p50_latency_ms: 100, window: 1 });
  });

  it('keeps latency and rate to the last N answered requests', () => {
    const s = new RequestStats(3);
    for (const ms of [1000, 1000, 1000]) s.record(ok(ms, 1, ms));
    for (const ms of [10, 20, 30]) s.record(ok(ms, 3, ms));
    const v = s.view('m');
    expect(v.requests).toBe(6);
    expect(v.window).toBe(3);
    expect(v.p50_latency_ms).toBe(20);
    expect(v.tokens_per_s).toBe(150);
    s.record(ok(5000, 3, 5000));
    expect(s.view('m').p50_latency_ms).toBe(30);
  });

  it('keeps models apart', () => {
    const s = new RequestStats();
    s.record(ok(100));
    s.record({ ...ok(300), model: 'other' });
    expect(s.view('m').p50_latency_ms).toBe(100);
    expect(s.view('other').p50_latency_ms).toBe(300);
  });
});
