import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../renderer/transport/http-request.js';
import { createHttpTransport } from '../../../renderer/transport/http-transport.js';
import { TransportError } from '../../../renderer/transport/transport-error.js';
import type { Push } from '../../../shared/push.js';
import { event, snapshot } from './fixtures.js';
import { manualTimers, stubFetch, stubSources } from './stubs.js';

function setup(reply: Parameters<typeof stubFetch>[0] = () => ({ status: 200, body: {} }), apiKey: string | null = null) {
  const { fetch, calls } = stubFetch(reply);
  const sources = stubSources();
  const timers = manualTimers();
  const transport = createHttpTransport({ baseUrl: '', apiKey, fetch, createEventSource: sources.create, timers });
  return { transport, calls, sources, timers };
}

describe('buildRequest', () => {
  it('puts the name in the path and the rest of a GET payload in the query', () => {
    expect(buildRequest('', 'logs.tail', { name: 'qwen3 8b/x', tail: 50 })).toEqual({ method: 'GET', url: '/api/models/qwen3%208b%2Fx/logs?tail=50', body: undefined });
    expect(buildRequest('', 'events.list', { after: 7 })).toEqual({ method: 'GET', url: '/api/events?after=7', body: undefined });
    expect(buildRequest('http://h:1', 'snapshot.get', {}).url).toBe('http://h:1/api/snapshot');
  });

  it('sends the rest of other payloads as a JSON body', () => {
    expect(buildRequest('', 'models.setPinned', { name: 'a', pinned: true })).toEqual({ method: 'PUT', url: '/api/models/a/pinned', body: '{"pinned":true}' });
    expect(buildRequest('', 'models.load', { name: 'a' })).toEqual({ method: 'POST', url: '/api/models/a/load', body: '{}' });
    expect(buildRequest('', 'settings.update', { idle_timeout: '1h' })).toEqual({ method: 'PATCH', url: '/api/settings', body: '{"idle_timeout":"1h"}' });
  });

  it('refuses the IPC-only command', () => {
    expect(() => buildRequest('', 'logs.follow', { name: 'a' })).toThrow(/no HTTP route/);
  });
});

describe('http transport invoke', () => {
  it('returns the parsed JSON and sends the API key as a bearer token', async () => {
    const { transport, calls } = setup(() => ({ status: 200, body: { models: [] } }), 's3cret');
    await expect(transport.invoke('models.list', {})).resolves.toEqual({ models: [] });
    expect(calls[0]?.headers.Authorization).toBe('Bearer s3cret');
    expect(calls[0]?.headers['Content-Type']).toBeUndefined();
  });

  it('maps an error body to an error with the server message, code and load-failure details', async () => {
    const body = { error: { code: 'load_failed', message: 'exited with code 1: out of memory', type: 'server_error', exit_code: 1, log_tail: ['a', 'b'] } };
    const { transport } = setup(() => ({ status: 502, body }));
    const err = await transport.invoke('models.load', { name: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'load_failed', message: 'exited with code 1: out of memory', details: { status: 502, exit_code: 1, log_tail: ['a', 'b'] } });
  });

  it('falls back to the status line when the error body is not JSON', async () => {
    const { transport } = setup(() => ({ status: 503, body: '<html>down</html>' }));
    await expect(transport.invoke('models.list', {})).rejects.toMatchObject({ code: 'http_error', message: 'HTTP 503 Error' });
  });

  it('reports an unreachable server as a network error', async () => {
    const transport = createHttpTransport({
      baseUrl: '', apiKey: null, fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      createEventSource: stubSources().create, timers: manualTimers(),
    });
    await expect(transport.invoke('models.list', {})).rejects.toMatchObject({ code: 'network' });
  });
});

describe('http transport streams', () => {
  it('resumes the dashboard stream after the snapshot seq and passes the key in the query', async () => {
    const { transport, sources } = setup(() => ({ status: 200, body: snapshot({ last_seq: 41 }) }), 'k y');
    await transport.invoke('snapshot.get', {});
    transport.onEvent(() => undefined);
    expect(sources.all[0]?.url).toBe('/api/stream?after=41&key=k%20y');
  });

  it('forwards pushes by their SSE event name and shares one stream between listeners', () => {
    const { transport, sources } = setup();
    const a: Push[] = [];
    const b: Push[] = [];
    const offA = transport.onEvent((p) => a.push(p));
    transport.onEvent((p) => b.push(p));
    expect(sources.all).toHaveLength(1);
    const es = sources.all[0]!;
    es.open();
    es.message('event', { type: 'event', event: event(5) }, '5');
    es.message('settings', 'not json');
    offA();
    es.message('model', { type: 'model', model: { name: 'x' } });
    expect(a.map((p) => p.type)).toEqual(['event']);
    expect(b.map((p) => p.type)).toEqual(['event', 'model']);
  });

  it('reports reconnecting and connected, and reopens with the newest seq after the browser gives up', () => {
    const { transport, sources, timers } = setup();
    const states: string[] = [];
    transport.onConnection?.((s) => states.push(s));
    transport.onEvent(() => undefined);
    const first = sources.all[0]!;
    first.open();
    first.message('event', { type: 'event', event: event(9) }, '9');
    first.fail(false);
    expect(sources.all).toHaveLength(1); // the browser retries by itself
    first.open();
    first.fail(true);
    expect(first.closed).toBe(true);
    timers.runAll();
    expect(sources.all[1]?.url).toBe('/api/stream?after=9');
    sources.all[1]!.open();
    expect(states).toEqual(['connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
  });

  it('closes the dashboard stream when the last listener leaves', () => {
    const { transport, sources } = setup();
    const off = transport.onEvent(() => undefined);
    off();
    expect(sources.all[0]?.closed).toBe(true);
  });

  it('follows one model\'s log stream and stops on unsubscribe', () => {
    const { transport, sources } = setup(undefined, 'k');
    const lines: string[] = [];
    const stop = transport.followLogs('qwen3-8b', (l) => lines.push(l.text));
    const es = sources.all[0]!;
    expect(es.url).toBe('/api/models/qwen3-8b/logs/stream?key=k');
    es.message('log', { at: 'x', stream: 'stderr', text: 'hello' });
    stop();
    expect(lines).toEqual(['hello']);
    expect(es.closed).toBe(true);
  });
});
