import { describe, expect, it } from 'vitest';
import { parseChatRequest, parseCompletionRequest, parseEmbeddingRequest } from '../../../electron/engine/backends/openai/openai-requests.js';
import { embeddingList } from '../../../electron/engine/backends/openai/openai-responses.js';
import { LoadoutError } from '../../../shared/errors.js';

function badRequest(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadoutError);
    expect((e as LoadoutError).code).toBe('bad_request');
    return { field: (e as LoadoutError).details.field, message: (e as LoadoutError).message };
  }
  throw new Error('expected a bad_request');
}

describe('OpenAI request bodies for the built-in and gRPC backends', () => {
  it('reads a chat with streaming, usage and max_completion_tokens over max_tokens', () => {
    const r = parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, max_tokens: 5, max_completion_tokens: 9, stop: ['a', 'b'], unknown_field: 1 });
    expect(r).toEqual({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 9, temperature: null, topP: null, topK: null, seed: null, stop: ['a', 'b'], stream: true, includeUsage: true });
  });

  it.each([
    [{}, 'messages'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'user', content: 3 }] }, 'messages.0.content'],
    [{ messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens'],
    [{ messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, 'temperature'],
    [{ messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
  ])('answers a bad chat body %j with 400 naming %s', (body, field) => {
    const e = badRequest(() => parseChatRequest(body));
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  it('takes one prompt per completion', () => {
    expect(parseCompletionRequest({ prompt: ['only'] }).prompt).toBe('only');
    expect(badRequest(() => parseCompletionRequest({ prompt: ['a', 'b'] })).message).toBe('prompt: expected a string, or a list of one string (one prompt per request)');
  });

  it('reads embedding inputs and their encoding, and encodes base64 as little-endian float32', () => {
    expect(parseEmbeddingRequest({ input: 'x' })).toEqual({ inputs: ['x'], encoding: 'float' });
    expect(parseEmbeddingRequest({ input: ['a', 'b'], encoding_format: 'base64' })).toEqual({ inputs: ['a', 'b'], encoding: 'base64' });
    expect(badRequest(() => parseEmbeddingRequest({ input: [1, 2] })).field).toBe('input');
    const list = embeddingList('m', { vectors: [[1, -0.5]], promptTokens: 2 }, 'base64');
    const bytes = Buffer.from(list.data[0]!.embedding as string, 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([1, -0.5]);
  });
});
