import { Ollama } from 'ollama';
import { describe, expect, it } from 'vitest';
import { perTestService, type TestService } from '../../helpers/loadout.js';
import { parsePrometheusText, sampleValue, type PromFamily } from '../../helpers/prom-text.js';

// `GET /metrics`: Prometheus text, checked by a strict parser, against a real service and backends.

async function scrape(svc: TestService): Promise<Map<string, PromFamily>> {
  const r = await svc.req('GET', '/metrics');
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(r.text);
}

describe('/metrics', () => {
  const boot = perTestService();

  it('counts loads, evictions and refusals from what the engine did', async () => {
    const svc = await boot({
      models: { a: { groups: ['big'] }, b: { groups: ['big'] }, keep: { pinned: true, groups: ['solo'] }, other: { groups: ['solo'] } },
    });
    expect((await svc.load('a')).status).toBe(200);
    expect((await svc.load('b')).status).toBe(200); // evicts a (group)
    expect((await svc.load('keep')).status).toBe(200);
    expect((await svc.load('other')).status).toBe(409); // keep is pinned in its group
    await svc.waitType('model_stopped', 'a');
    const m = await scrape(svc);
    expect(sampleValue(m, 'loadout_model_loads_total', { model: 'a', outcome: 'ready' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_loads_total', { model: 'other', outcome: 'ready' })).toBe(0);
    expect(sampleValue(m, 'loadout_model_load_duration_seconds_count', { model: 'b' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_evictions_total', { model: 'a', reason: 'group' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_stops_total', { model: 'a', reason: 'evicted' })).toBe(1);
    expect(sampleValue(m, 'loadout_load_refusals_total', { model: 'other', code: 'pinned_conflict' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_state', { model: 'b', state: 'ready' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_state', { model: 'a', state: 'stopped' })).toBe(1);
    expect(sampleValue(m, 'loadout_model_pinned', { model: 'keep' })).toBe(1);
  });

  it('counts requests, errors and usage tokens on both faces, streamed or whole', async () => {
    const svc = await boot({ models: { m: { aliases: ['m-alias'], args: '--stream-chunks 5' } } });
    expect((await svc.chat('m-alias')).status).toBe(200);
    const streamed = await svc.req('POST', '/v1/chat/completions', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    expect(streamed.text).toContain('"usage"');
    expect((await svc.chat('nope')).status).toBe(404);
    const ollama = new Ollama({ host: svc.url });
    await ollama.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    await ollama.embed({ model: 'm', input: ['a', 'b'] });

    const m = await scrape(svc);
    expect(sampleValue(m, 'loadout_requests_total', { model: 'm', api: 'openai', status: '200' })).toBe(2);
    expect(sampleValue(m, 'loadout_requests_total', { model: 'm', api: 'ollama', status: '200' })).toBe(2);
    expect(sampleValue(m, 'loadout_request_errors_total', { api: 'openai', code: 'model_not_found' })).toBe(1);
    // openai: 1+3 whole, 1+5 streamed; ollama chat: 1+3 (non-streamed), embed: 2 prompt tokens.
    expect(sampleValue(m, 'loadout_tokens_total', { model: 'm', kind: 'prompt' })).toBe(1 + 1 + 1 + 2);
    expect(sampleValue(m, 'loadout_tokens_total', { model: 'm', kind: 'completion' })).toBe(3 + 5 + 3);
    expect(sampleValue(m, 'loadout_model_requests_in_flight', { model: 'm' })).toBe(0);
  });

  it('labels a failed request with the code of its error', async () => {
    const svc = await boot({ models: { c: { args: '--crash-on-request' } } });
    expect((await svc.chat('c')).status).toBe(502); // the backend died during the request
    const m = await scrape(svc);
    expect(sampleValue(m, 'loadout_requests_total', { model: 'c', api: 'openai', status: '502' })).toBe(1);
    expect(sampleValue(m, 'loadout_request_errors_total', { model: 'c', api: 'openai', code: 'backend_error' })).toBe(1);
  });
});
