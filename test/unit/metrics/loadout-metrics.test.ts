import { describe, expect, it } from 'vitest';
import type { LoadoutEvent, NewEvent } from '../../../shared/events.js';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import type { ModelView } from '../../../shared/model-view.js';
import { model } from '../electron/fixtures.js';
import { LoadoutMetrics } from '../../../electron/api/http/metrics/loadout-metrics.js';
import { parsePrometheusText, sampleValue } from '../../helpers/prom-text.js';

const view = (name: string, over: Partial<ModelView> = {}): ModelView => model(name, { backend: null, ...over });

function setup(models: ModelView[], gpu: GpuSnapshot = { source: 'none', at: null, devices: [], processes: [] }) {
  const listeners: ((e: LoadoutEvent) => void)[] = [];
  let seq = 0;
  const state = { models, gpu };
  const metrics = new LoadoutMetrics({ models: () => state.models, gpu: () => state.gpu, subscribe: (l) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)) });
  const emit = (e: NewEvent) => listeners.forEach((l) => l({ ...e, seq: ++seq, at: new Date(0).toISOString() } as LoadoutEvent));
  const scrape = async () => parsePrometheusText((await metrics.scrape()).text);
  return { metrics, emit, scrape, state, listeners };
}

describe('LoadoutMetrics', () => {
  it('counts loads, load durations, evictions, stops and refusals from the event log', async () => {
    const { emit, scrape } = setup([view('a'), view('b')]);
    emit({ type: 'model_ready', model: 'a', reason: null, message: '', data: { pid: 1, port: 2, load_ms: 1500, instance: 1 } });
    emit({ type: 'model_failed', model: 'b', reason: null, message: '', data: { exit_code: 1, log_tail: [], instance: 2, code: 'load_failed' } });
    emit({ type: 'model_evicted', model: 'a', reason: 'lru', message: '', data: { for: 'b', instance: 1 } });
    emit({ type: 'model_stopped', model: 'a', reason: 'evicted', message: '', data: { exit_code: 0, signal: null, instance: 1 } });
    emit({ type: 'load_refused', model: 'b', reason: 'pinned_conflict', message: '', data: { blocking: ['a'] } });
    const m = await scrape();
    expect(sampleValue(m, 'loadout_model_loads_total', { model: 'a', outcome: 'ready' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_loads_total', { model: 'a', outcome: 'failed' })).toBe(0);
    expect(sampleValue(m, 'loadout_model_loads_total', { model: 'b', outcome: 'failed' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_load_duration_seconds_sum', { model: 'a' })).toBe(1.5);
    expect(sampleValue(m, 'loadout_model_load_duration_seconds_bucket', { model: 'a', le: '1' })).toBe(0);
    expect(sampleValue(m, 'loadout_model_load_duration_seconds_bucket', { model: 'a', le: '2.5' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_evictions_total', { model: 'a', reason: 'lru' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_stops_total', { model: 'a', reason: 'evicted' })).toBe(1);
    expect(sampleValue(m, 'loadout_load_refusals_total', { model: 'b', code: 'pinned_conflict' })).toBe(1);
    expect(m.get('loadout_model_evictions_total')?.type).toBe('counter');
  });

  it('reads state, pinning, in-flight and memory per model and device at scrape time', async () => {
    const s = setup([view('a', { state: 'ready', pinned: true, inflight: 2, queued: 1, vram_bytes: 3000 }), view('b'), view('cpu', { state: 'ready', ram_bytes: 700 })], {
      source: 'nvidia-smi', at: new Date(0).toISOString(),
      devices: [{ index: 0, name: 'RTX 4090', vendor: 'nvidia', total_bytes: 24e9, used_bytes: 5e9 }, { index: 1, name: 'RTX 3090', vendor: 'nvidia', total_bytes: 24e9, used_bytes: 1e9 }],
      processes: [{ pid: 10, model: 'a', used_bytes: 2000, device_index: 0 }, { pid: 11, model: 'a', used_bytes: 1000, device_index: 1 }, { pid: 12, model: null, used_bytes: 99, device_index: 0 }],
    });
    let m = await s.scrape();
    expect(sampleValue(m, 'loadout_model_state', { model: 'a', state: 'ready' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_state', { model: 'a', state: 'stopped' })).toBe(0);
    expect(sampleValue(m, 'loadout_model_state', { model: 'b', state: 'stopped' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_pinned', { model: 'a' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_requests_in_flight', { model: 'a' })).toBe(2);
    expect(sampleValue(m, 'loadout_model_memory_bytes', { model: 'a' })).toBe(3000);
    expect(sampleValue(m, 'loadout_model_memory_bytes', { model: 'b' })).toBeUndefined();
    expect(sampleValue(m, 'loadout_model_memory_bytes', { model: 'cpu' })).toBe(700);
    expect(sampleValue(m, 'loadout_model_requests_queued', { model: 'a' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_device_memory_bytes', { model: 'a', device: '1' })).toBe(1000);
    expect(sampleValue(m, 'loadout_device_memory_used_bytes', { device: '0', name: 'RTX 4090' })).toBe(5e9);
    expect(sampleValue(m, 'loadout_device_memory_total_bytes', { device: '1' })).toBe(24e9);

    s.state.models = [view('a', { state: 'stopped' })];
    m = await s.scrape();
    expect(sampleValue(m, 'loadout_model_state', { model: 'a', state: 'ready' })).toBe(0);
    expect(sampleValue(m, 'loadout_model_state', { model: 'b', state: 'stopped' })).toBeUndefined();
  });

  it('counts requests by face and status, errors by code, and tokens by kind', async () => {
    const { metrics, scrape } = setup([view('a')]);
    metrics.request({ model: 'a', api: 'openai', status: 200, error: null, tokens: { prompt: 10, completion: 5 }, latencyMs: 10, generationMs: 10 });
    metrics.request({ model: 'a', api: 'ollama', status: 200, error: null, tokens: { prompt: 1, completion: 2 }, latencyMs: 10, generationMs: 10 });
    metrics.request({ model: 'a', api: 'openai', status: 503, error: 'busy', tokens: null, latencyMs: 10, generationMs: 10 });
    const m = await scrape();
    expect(sampleValue(m, 'loadout_requests_total', { model: 'a', api: 'openai', status: '200' })).toBe(1);
    expect(sampleValue(m, 'loadout_requests_total', { model: 'a', api: 'openai', status: '503' })).toBe(1);
    expect(sampleValue(m, 'loadout_request_errors_total', { model: 'a', api: 'openai', code: 'busy' })).toBe(1);
    expect(sampleValue(m, 'loadout_tokens_total', { model: 'a', kind: 'prompt' })).toBe(11);
    expect(sampleValue(m, 'loadout_tokens_total', { model: 'a', kind: 'completion' })).toBe(7);
  });

  it('stops following the event log when disposed', () => {
    const { metrics, listeners } = setup([]);
    expect(listeners).toHaveLength(1);
    metrics.dispose();
    expect(listeners).toHaveLength(0);
  });
});
