import { z } from 'zod';
import { LoadoutError } from '../../../../shared/errors.js';

// The parts of OpenAI's request bodies the built-in and gRPC backends act on. Unknown fields are
// accepted and ignored, as OpenAI-compatible servers do; a present field of the wrong shape is a 400
// naming it.

const text = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).transform((parts) => parts.filter((p) => p.type === 'text').map((p) => p.text ?? '').join('')),
]);
const maybeInt = z.number().int().positive().nullish();
const samplingFields = {
  model: z.string().optional(),
  stream: z.boolean().nullish(),
  max_tokens: maybeInt,
  max_completion_tokens: maybeInt,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
};

const chatSchema = z.looseObject({
  ...samplingFields,
  messages: z.array(z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: text.nullish() })).min(1),
});
const completionSchema = z.looseObject({
  ...samplingFields,
  prompt: z.union([z.string(), z.array(z.string()).length(1).transform((p) => p[0] as string)], {
    message: 'expected a string, or a list of one string (one prompt per request)',
  }),
});
const embeddingSchema = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string().transform((s) => [s]), z.array(z.string()).min(1)], { message: 'expected a string or a list of strings' }),
  encoding_format: z.enum(['float', 'base64']).nullish(),
});

/** llama-server's sampling defaults, so an answer does not depend on which backend served it. */
export const SAMPLING_DEFAULTS = { temperature: 0.8, topK: 40, topP: 0.95 } as const;

export interface Sampling {
  maxTokens: number | null;
  temperature: number | null;
  topP: number | null;
  topK: number | null;
  seed: number | null;
  stop: string[];
  stream: boolean;
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  includeUsage: boolean;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatRequest extends Sampling {
  messages: ChatMessage[];
}

export interface CompletionRequest extends Sampling {
  prompt: string;
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0] as z.core.$ZodIssue;
  const field = issue.path.map(String).join('.') || '(body)';
  throw new LoadoutError('bad_request', `${field}: ${issue.message}`, { field });
}

function toSampling(b: z.infer<typeof completionSchema> | z.infer<typeof chatSchema>): Sampling {
  return {
    maxTokens: b.max_completion_tokens ?? b.max_tokens ?? null,
    temperature: b.temperature ?? null,
    topP: b.top_p ?? null,
    topK: b.top_k ?? null,
    seed: b.seed ?? null,
    stop: b.stop == null ? [] : typeof b.stop === 'string' ? [b.stop] : b.stop,
    stream: b.stream ?? false,
    includeUsage: b.stream_options?.include_usage ?? false,
  };
}

/** A chat completion body; throws LoadoutError('bad_request') naming the first bad field. */
export function parseChatRequest(body: unknown): ChatRequest {
  const b = parse(chatSchema, body);
  // `developer` is OpenAI's newer name for `system`.
  const messages = b.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: m.content ?? '' }) as ChatMessage);
  return { ...toSampling(b), messages };
}

export function parseCompletionRequest(body: unknown): CompletionRequest {
  const b = parse(completionSchema, body);
  return { ...toSampling(b), prompt: b.prompt };
}

export interface EmbeddingRequest {
  inputs: string[];
  /** `base64`: each vector as little-endian float32 bytes (the `openai` npm client asks for this). */
  encoding: 'float' | 'base64';
}

export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  const b = parse(embeddingSchema, body);
  return { inputs: b.input, encoding: b.encoding_format ?? 'float' };
}
