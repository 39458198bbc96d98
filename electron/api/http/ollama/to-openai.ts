import type { ChatRequest, EmbedRequest, GenerateRequest, OllamaMessage, OllamaOptions } from './ollama-requests.js';

/** An OpenAI request for the backend: which route, and the JSON body. */
export interface OpenAiCall {
  path: '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/**
 * Ollama `options` → OpenAI sampling fields. llama.cpp servers read top_k, min_p, typical_p,
 * repeat_penalty, repeat_last_n and mirostat* under the same names. `num_ctx` and other load-time
 * options have no per-request meaning: the context size is the model's, set in its config.
 */
function sampling(o: OllamaOptions | null | undefined): Json {
  if (!o) return {};
  const out: Json = {};
  const same = ['temperature', 'top_p', 'top_k', 'min_p', 'typical_p', 'seed', 'presence_penalty', 'frequency_penalty', 'repeat_penalty', 'repeat_last_n', 'mirostat', 'mirostat_tau', 'mirostat_eta'] as const;
  for (const k of same) if (o[k] != null) out[k] = o[k];
  if (o.num_predict != null && o.num_predict >= 0) out.max_tokens = o.num_predict;
  if (o.stop != null) out.stop = o.stop;
  return out;
}

function responseFormat(format: ChatRequest['format']): Json {
  if (format === 'json') return { response_format: { type: 'json_object' } };
  if (format && typeof format === 'object') return { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: format } } };
  return {};
}

function streaming(stream: boolean): Json {
  return stream ? { stream: true, stream_options: { include_usage: true } } : { stream: false };
}

/** Ollama sends images as bare base64; OpenAI wants data URLs inside a content array. */
function content(text: string, images: string[] | null | undefined): string | Json[] {
  if (!images?.length) return text;
  return [{ type: 'text', text }, ...images.map((b64) => ({ type: 'image_url', image_url: { url: b64.startsWith('data:') ? b64 : `data:image/png;base64,${b64}` } }))];
}

function message(m: OllamaMessage, i: number): Json {
  const out: Json = { role: m.role, content: content(m.content ?? '', m.images) };
  if (m.tool_calls?.length) {
    out.tool_calls = m.tool_calls.map((c, j) => ({
      id: `call_${i}_${j}`,
      type: 'function',
      function: { name: c.function.name, arguments: typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments ?? {}) },
    }));
  }
  if (m.role === 'tool' && m.tool_name) out.name = m.tool_name;
  return out;
}

function thinking(think: ChatRequest['think']): Json {
  return typeof think === 'boolean' ? { chat_template_kwargs: { enable_thinking: think } } : {};
}

/** `POST /api/chat` → `/v1/chat/completions`. Ollama streams unless told not to. */
export function chatToOpenAi(r: ChatRequest): OpenAiCall {
  return {
    path: '/v1/chat/completions',
    body: {
      model: r.model,
      messages: (r.messages ?? []).map(message),
      ...(r.tools?.length ? { tools: r.tools } : {}),
      ...responseFormat(r.format),
      ...thinking(r.think),
      ...sampling(r.options),
      ...streaming(r.stream ?? true),
    },
  };
}

/**
 * `POST /api/generate` → a chat completion (the backend applies the model's chat template, as Ollama
 * does with its template), or with `raw` or a `suffix` a plain completion of the prompt as given.
 */
export function generateToOpenAi(r: GenerateRequest): OpenAiCall {
  const common = { model: r.model, ...responseFormat(r.format), ...sampling(r.options), ...streaming(r.stream ?? true) };
  if (r.raw || r.suffix) {
    return { path: '/v1/completions', body: { ...common, prompt: r.prompt ?? '', ...(r.suffix ? { suffix: r.suffix } : {}) } };
  }
  const messages: Json[] = [];
  if (r.system) messages.push({ role: 'system', content: r.system });
  messages.push({ role: 'user', content: content(r.prompt ?? '', r.images) });
  return { path: '/v1/chat/completions', body: { ...common, ...thinking(r.think), messages } };
}

/** `POST /api/embed` (and the legacy `/api/embeddings`) → `/v1/embeddings`. */
export function embedToOpenAi(r: Pick<EmbedRequest, 'model' | 'input' | 'dimensions'>): OpenAiCall {
  return { path: '/v1/embeddings', body: { model: r.model, input: r.input, ...(r.dimensions ? { dimensions: r.dimensions } : {}) } };
}
