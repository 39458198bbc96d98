import { z } from 'zod';
import { LoadoutError } from '../../../../shared/errors.js';
import { describeIssue } from '../control-api.js';

// Ollama's request bodies (api/types.go), loose: clients send fields we pass over, and those must not
// fail a request. The fields we read are typed, so a wrong type is a 400 that names the field.

const keepAlive = z.union([z.number(), z.string()]).nullish();
const images = z.array(z.string()).nullish();

/** `options`: the runtime ones a llama.cpp server understands per request. */
export const optionsSchema = z.looseObject({
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().nullish(),
  min_p: z.number().nullish(),
  typical_p: z.number().nullish(),
  seed: z.number().int().nullish(),
  num_predict: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  repeat_penalty: z.number().nullish(),
  repeat_last_n: z.number().int().nullish(),
  mirostat: z.number().int().nullish(),
  mirostat_tau: z.number().nullish(),
  mirostat_eta: z.number().nullish(),
});
export type OllamaOptions = z.infer<typeof optionsSchema>;

const toolCall = z.looseObject({
  function: z.looseObject({ name: z.string(), arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish() }),
});

export const messageSchema = z.looseObject({
  role: z.string().min(1),
  content: z.string().nullish(),
  thinking: z.string().nullish(),
  images,
  tool_calls: z.array(toolCall).nullish(),
  tool_name: z.string().nullish(),
});
export type OllamaMessage = z.infer<typeof messageSchema>;

const format = z.union([z.literal('json'), z.literal(''), z.record(z.string(), z.unknown())]).nullish();
const think = z.union([z.boolean(), z.enum(['high', 'medium', 'low'])]).nullish();

export const chatSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).nullish(),
  stream: z.boolean().nullish(),
  format,
  keep_alive: keepAlive,
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  think,
  options: optionsSchema.nullish(),
});
export type ChatRequest = z.infer<typeof chatSchema>;

export const generateSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().nullish(),
  suffix: z.string().nullish(),
  system: z.string().nullish(),
  raw: z.boolean().nullish(),
  images,
  stream: z.boolean().nullish(),
  format,
  keep_alive: keepAlive,
  think,
  options: optionsSchema.nullish(),
});
export type GenerateRequest = z.infer<typeof generateSchema>;

export const embedSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string())]),
  truncate: z.boolean().nullish(),
  dimensions: z.number().int().positive().nullish(),
  keep_alive: keepAlive,
  options: optionsSchema.nullish(),
});
export type EmbedRequest = z.infer<typeof embedSchema>;

/** The legacy `POST /api/embeddings {model, prompt}`. */
export const embeddingsSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.string(),
  keep_alive: keepAlive,
  options: optionsSchema.nullish(),
});

/** `POST /api/show`: `model`, or `name` from older clients. */
export const showSchema = z.looseObject({ model: z.string().min(1).nullish(), name: z.string().min(1).nullish() }).refine((b) => !!(b.model ?? b.name), {
  message: 'required',
  path: ['model'],
});

/** Parses a body with one of the schemas above; a failure is a 400 naming the field. */
export function parseOllama<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LoadoutError('bad_request', '(body): expected a JSON object', { field: '(body)' });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new LoadoutError('bad_request', message, { field });
  }
  return parsed.data;
}
