import type { Embeddings, FinishReason, Generation } from './inference.js';

// OpenAI's response objects, built the way llama-server builds them, so clients cannot tell the
// built-in or a gRPC backend from llama-server.

export interface ResponseMeta {
  id: string;
  created: number;
  model: string;
}

function usage(g: Generation) {
  return { prompt_tokens: g.promptTokens, completion_tokens: g.completionTokens, total_tokens: g.promptTokens + g.completionTokens };
}

export function chatCompletion(m: ResponseMeta, g: Generation) {
  return { id: m.id, object: 'chat.completion', created: m.created, model: m.model, choices: [{ index: 0, message: { role: 'assistant', content: g.text }, finish_reason: g.finishReason }], usage: usage(g) };
}

export function chatChunk(m: ResponseMeta, delta: { role?: 'assistant'; content?: string }, finishReason: FinishReason | null = null) {
  return { id: m.id, object: 'chat.completion.chunk', created: m.created, model: m.model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

export function textCompletion(m: ResponseMeta, g: Generation) {
  return { id: m.id, object: 'text_completion', created: m.created, model: m.model, choices: [{ index: 0, text: g.text, finish_reason: g.finishReason, logprobs: null }], usage: usage(g) };
}

export function textChunk(m: ResponseMeta, text: string, finishReason: FinishReason | null = null) {
  return { id: m.id, object: 'text_completion', created: m.created, model: m.model, choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }] };
}

/** A final usage-only chunk, sent when the client asked for `stream_options.include_usage`. */
export function usageChunk(m: ResponseMeta, object: string, g: Generation) {
  return { id: m.id, object, created: m.created, model: m.model, choices: [], usage: usage(g) };
}

export function embeddingList(model: string, e: Embeddings, encoding: 'float' | 'base64') {
  const encode = (v: number[]) => (encoding === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v);
  return {
    object: 'list',
    model,
    data: e.vectors.map((v, index) => ({ object: 'embedding', index, embedding: encode(v) })),
    usage: { prompt_tokens: e.promptTokens, total_tokens: e.promptTokens },
  };
}

export function modelList(model: string, created: number) {
  return { object: 'list', data: [{ id: model, object: 'model', created, owned_by: 'loadout' }] };
}
