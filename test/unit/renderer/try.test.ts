import { describe, expect, it } from 'vitest';
import { readStream, tryFigures } from '../../../renderer/features/try/chat-stream.js';
import { statsLine } from '../../../renderer/features/try/stats-line.js';
import { tryEndpoint } from '../../../renderer/features/try/try-endpoint.js';

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe('readStream', () => {
  it('reads text pieces, usage and the end, holding back an event cut between chunks', () => {
    const whole = chunk('Hel') + chunk('lo') + `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } })}\n\ndata: [DONE]\n\n`;
    const cut = 20;
    const first = readStream('', whole.slice(0, cut));
    expect(first.pieces).toEqual([]);
    const second = readStream(first.rest, whole.slice(cut));
    expect(second.pieces).toEqual([{ kind: 'text', text: 'Hel' }, { kind: 'text', text: 'lo' }, { kind: 'usage', completionTokens: 2 }, { kind: 'done' }]);
    expect(second.rest).toBe('');
  });

  it('skips the role-only first chunk and reads CRLF framing', () => {
    const role = `data: ${JSON.stringify({ choices: [{ delta: { role: 'assistant', content: '' } }] })}\r\n\r\n`;
    expect(readStream('', role + chunk('x').replace(/\n/g, '\r\n')).pieces).toEqual([{ kind: 'text', text: 'x' }]);
  });

  it('turns an error sent in the stream, or text that is not JSON, into an error piece', () => {
    expect(readStream('', `data: {"error":{"message":"backend gone"}}\n\n`).pieces).toEqual([{ kind: 'error', message: 'backend gone' }]);
    expect(readStream('', 'data: nonsense\n\n').pieces[0]?.kind).toBe('error');
  });
});

describe('tryFigures', () => {
  it('has time to first token, and the rate of the tokens after the first', () => {
    expect(tryFigures({ sentAt: 1000, firstTokenAt: 1250, lastTokenAt: 2250, pieces: 11, usageTokens: null })).toEqual({ ttftMs: 250, tokensPerS: 10, tokens: 11, fromUsage: false });
  });

  it('prefers the server\'s usage count to the pieces received', () => {
    expect(tryFigures({ sentAt: 0, firstTokenAt: 100, lastTokenAt: 600, pieces: 5, usageTokens: 21 })).toMatchObject({ tokensPerS: 40, tokens: 21, fromUsage: true });
  });

  it('has no rate before a second token and no TTFT before the first', () => {
    expect(tryFigures({ sentAt: 0, firstTokenAt: null, lastTokenAt: null, pieces: 0, usageTokens: null })).toEqual({ ttftMs: null, tokensPerS: null, tokens: 0, fromUsage: false });
    expect(tryFigures({ sentAt: 0, firstTokenAt: 5, lastTokenAt: 5, pieces: 1, usageTokens: null }).tokensPerS).toBeNull();
  });
});

describe('statsLine', () => {
  it('says the figures in words, leaving out what is not known', () => {
    expect(statsLine({ requests: 0, errors: 0, tokens_per_s: null, p50_latency_ms: null, window: 0 })).toBe('no requests yet');
    expect(statsLine({ requests: 12, errors: 1, tokens_per_s: 35.5, p50_latency_ms: 1234, window: 11 })).toBe('12 requests · 1 error · 35.5 tok/s · p50 1.2 s');
    expect(statsLine({ requests: 1, errors: 0, tokens_per_s: null, p50_latency_ms: 420, window: 1 })).toBe('1 request · p50 420 ms');
  });
});

describe('tryEndpoint', () => {
  it('posts to the page\'s own API with the remembered key; the desktop window sends through main', () => {
    const storage = { getItem: (k: string) => (k === 'loadout.apiKey' ? 'sekret' : null) };
    expect(tryEndpoint('http://127.0.0.1:11500', undefined, storage)).toEqual({ url: 'http://127.0.0.1:11500/v1/chat/completions', apiKey: 'sekret' });
    expect(tryEndpoint('http://127.0.0.1:11500', undefined, null)).toEqual({ url: 'http://127.0.0.1:11500/v1/chat/completions', apiKey: null });
    const bridge = { desktop: async () => ({ ok: true as const, value: { started: true } }), onEvent: () => () => undefined };
    const desktop = tryEndpoint('app://ui', bridge as never, storage);
    expect(desktop).toMatchObject({ url: '/v1/chat/completions', apiKey: null });
    expect(typeof desktop?.fetch).toBe('function');
    // A page with an older bridge (no desktop actions) and no http origin cannot send at all.
    expect(tryEndpoint('app://ui', { onEvent: bridge.onEvent }, storage)).toBeNull();
    expect(tryEndpoint('file:///x.html', undefined, storage)).toBeNull();
  });
});
