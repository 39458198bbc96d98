import { describe, expect, it } from 'vitest';
import { LoadoutError } from '../../../shared/errors.js';
import { OllamaReply } from '../../../electron/api/http/ollama/ollama-reply.js';
import { chatSchema, generateSchema, parseOllama, showSchema } from '../../../electron/api/http/ollama/ollama-requests.js';
import { SseData } from '../../../electron/api/http/ollama/sse-data.js';
import { chatToOpenAi, embedToOpenAi, generateToOpenAi } from '../../../electron/api/http/ollama/to-openai.js';

const AT = Date.parse('2026-11-30T00:00:00.000Z');

describe('Ollama requests → OpenAI', () => {
  it('streams chat by default, with usage, and maps options to sampling fields', () => {
    const call = chatToOpenAi(parseOllama(chatSchema, {
      model: 'qwen',
      messages: [{ role: 'user', content: 'hi' }],
      options: { temperature: 0.2, top_k: 40, num_predict: 64, num_ctx: 8192, stop: ['\n\n'], repeat_penalty: 1.1 },
      format: 'json',
      keep_alive: 1800,
    }));
    expect(call.path).toBe('/v1/chat/completions');
    expect(call.body).toEqual({
      model: 'qwen',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_object' },
      temperature: 0.2, top_k: 40, max_tokens: 64, stop: ['\n\n'], repeat_penalty: 1.1,
      stream: true, stream_options: { include_usage: true },
    });
  });

  it('turns images into data URLs and tool calls into OpenAI tool calls', () => {
    const call = chatToOpenAi(parseOllama(chatSchema, {
      model: 'm',
      stream: false,
      messages: [
        { role: 'user', content: 'what is this?', images: ['aGVsbG8='] },
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'weather', arguments: { city: 'Paris' } } }] },
        { role: 'tool', content: '20C', tool_name: 'weather' },
      ],
      format: { type: 'object', properties: { a: { type: 'string' } } },
    }));
    const messages = call.body.messages as Record<string, unknown>[];
    expect(messages[0]!.content).toEqual([{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } }]);
    expect(messages[1]!.tool_calls).toEqual([{ id: 'call_1_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }]);
    expect(messages[2]).toEqual({ role: 'tool', content: '20C', name: 'weather' });
    expect(call.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { a: { type: 'string' } } } } });
    expect(call.body.stream).toBe(false);
  });

  it('generate becomes a chat with the system prompt, or a raw completion with raw or a suffix', () => {
    expect(generateToOpenAi(parseOllama(generateSchema, { model: 'm', prompt: 'hi', system: 'be brief', stream: false })).body).toEqual({
      model: 'm', stream: false, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
    });
    const raw = generateToOpenAi(parseOllama(generateSchema, { model: 'm', prompt: 'def f(', suffix: 'return x', stream: false }));
    expect(raw).toEqual({ path: '/v1/completions', body: { model: 'm', stream: false, prompt: 'def f(', suffix: 'return x' } });
  });

  it('embed passes input and dimensions', () => {
    expect(embedToOpenAi({ model: 'e', input: ['a', 'b'], dimensions: 8 })).toEqual({ path: '/v1/embeddings', body: { model: 'e', input: ['a', 'b'], dimensions: 8 } });
  });

  it('rejects a wrong type with a 400 naming the field, and tolerates fields it does not use', () => {
    const bad = () => parseOllama(chatSchema, { model: 'm', messages: [{ role: 'user', content: 3 }] });
    expect(bad).toThrow(LoadoutError);
    expect(bad).toThrow(/^messages\.0\.content: /);
    expect(() => parseOllama(chatSchema, { messages: [] })).toThrow(/^model: /);
    expect(() => parseOllama(chatSchema, [])).toThrow(/^\(body\): expected a JSON object/);
    expect(parseOllama(chatSchema, { model: 'm', logprobs: true, truncate: false }).model).toBe('m');
    expect(() => parseOllama(showSchema, {})).toThrow(/^model: required/);
    expect(parseOllama(showSchema, { name: 'old-client' }).name).toBe('old-client');
  });
});

describe('OpenAI answers → Ollama', () => {
  it('streams chat deltas as message records and closes with counts and durations', () => {
    const r = new OllamaReply('chat', 'qwen', () => AT);
    expect(r.chunk({ choices: [{ delta: { role: 'assistant', content: '' } }] })).toBeNull();
    expect(r.chunk({ choices: [{ delta: { content: 'Hel' } }] })).toEqual({ model: 'qwen', created_at: '2026-11-30T00:00:00.000Z', message: { role: 'assistant', content: 'Hel' }, done: false });
    expect(r.chunk({ choices: [{ delta: { reasoning_content: 'hmm' } }] })).toMatchObject({ message: { content: '', thinking: 'hmm' } });
    r.chunk({ choices: [{ delta: {}, finish_reason: 'length' }] });
    r.chunk({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 }, timings: { prompt_ms: 3, predicted_ms: 40 } });
    expect(r.done({ totalMs: 100, loadMs: 20 })).toEqual({
      model: 'qwen', created_at: '2026-11-30T00:00:00.000Z', message: { role: 'assistant', content: '' },
      done: true, done_reason: 'length', total_duration: 100e6, load_duration: 20e6,
      prompt_eval_count: 7, prompt_eval_duration: 3e6, eval_count: 2, eval_duration: 40e6,
    });
    expect(r.usage).toEqual({ prompt: 7, completion: 2 });
  });

  it('collects streamed tool call fragments into one call with object arguments', () => {
    const r = new OllamaReply('chat', 'm', () => AT);
    r.chunk({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'weather', arguments: '{"ci' } }] } }] });
    r.chunk({ choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, finish_reason: 'tool_calls' }] });
    expect(r.pendingToolCalls()).toMatchObject({ message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'weather', arguments: { city: 'Paris' } } }] }, done: false });
    expect(r.pendingToolCalls()).toBeNull();
    expect(r.done({ totalMs: 1, loadMs: 0 })).toMatchObject({ done_reason: 'stop' });
  });

  it('answers generate with `response`, from a chat or a text completion', () => {
    const chat = new OllamaReply('generate', 'm', () => AT);
    expect(chat.whole({ choices: [{ message: { content: 'hi there' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2 } }, { totalMs: 5, loadMs: 1 })).toMatchObject({
      response: 'hi there', done: true, done_reason: 'stop', prompt_eval_count: 1, eval_count: 2,
    });
    const text = new OllamaReply('generate', 'm', () => AT);
    expect(text.chunk({ choices: [{ text: 'abc' }] })).toMatchObject({ response: 'abc', done: false });
  });
});

describe('SseData', () => {
  it('yields each event once complete, however the bytes are cut', () => {
    const body = 'data: {"a":1}\n\n: comment\nevent: x\ndata: {"b":\ndata: 2}\n\r\ndata: [DONE]\n\n';
    for (let cut = 1; cut < body.length; cut++) {
      const s = new SseData();
      const got = [...s.push(body.slice(0, cut)), ...s.push(body.slice(cut)), ...s.end()];
      expect(got).toEqual(['{"a":1}', '{"b":\n2}', '[DONE]']);
    }
  });

  it('keeps an event that ends without its blank line', () => {
    const s = new SseData();
    expect([...s.push('data: last'), ...s.end()]).toEqual(['last']);
  });
});
