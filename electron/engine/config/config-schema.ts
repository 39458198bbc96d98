import { z } from 'zod';
import { durationSchema as duration, sizeSchema as size, watchdogPatchSchema } from '../../../shared/settings.js';

// The YAML shapes of CONTRACT §2, before paths, templates and macros are resolved.

const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name: letters, digits, _' }),
  z.string({ message: 'expected a string; quote numbers such as "1"' }),
);
const stringList = z.array(z.string());
/** A name a client may send as `Host` (no scheme, no port), e.g. `host.docker.internal` or `[fd00::1]`. */
const hostName = z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*)$/, {
  message: 'a host name without scheme or port, e.g. host.docker.internal',
});
/** `grpc`: a LocalAI backend (backend.proto) rather than an OpenAI-compatible HTTP server. */
const protocol = z.enum(['http', 'grpc']);
/** `args` as one command-line string, or a list of single arguments. */
const args = z.union([z.string(), z.array(z.union([z.string(), z.number()]))]);

/** A hook: one command line, or several run one after the other. */
const hookCommands = z.union([z.string().min(1), z.array(z.string().min(1))]);
export const hooksSchema = z.strictObject({
  timeout: duration.nullish(),
  before_load: hookCommands.nullish(),
  after_ready: hookCommands.nullish(),
  before_unload: hookCommands.nullish(),
  after_unload: hookCommands.nullish(),
  on_evicted: hookCommands.nullish(),
  on_failed: hookCommands.nullish(),
});

/** The fields a model may set, in the main config and (as loadout extras) in models_dir files. */
const modelFields = {
  backend: z.string().min(1).nullish(),
  cmd: z.string().min(1).nullish(),
  health: z.string().regex(/^(\/|none$)/, { message: 'a path starting with /, or none (no health check)' }).nullish(),
  model: z.string().min(1).nullish(),
  args: args.nullish(),
  env: envMap.nullish(),
  aliases: stringList.nullish(),
  pinned: z.boolean().nullish(),
  concurrency_groups: stringList.nullish(),
  ttl: duration.nullish(),
  vram: size.nullish(),
  unlisted: z.boolean().nullish(),
  response_timeout: duration.nullish(),
  context_size: z.number().int().positive().nullish(),
  // Launch, stop and request rules (what a llama-swap config says, in Loadout's words).
  preload: z.boolean().nullish(),
  cmd_stop: z.string().min(1).nullish(),
  proxy: z.string().min(1).nullish(),
  port: z.number().int().min(1).max(65535).nullish(),
  stop_timeout: duration.nullish(),
  use_model_name: z.string().min(1).nullish(),
  display_name: z.string().nullish(),
  description: z.string().nullish(),
  concurrency_limit: z.number().int().min(0).nullish(),
  send_loading_state: z.boolean().nullish(),
  filters: z
    .strictObject({
      strip_params: z.union([z.string(), stringList]).nullish(),
      set_params: z.record(z.string().min(1), z.unknown()).nullish(),
    })
    .nullish(),
  mmproj: z.string().min(1).nullish(),
  embeddings: z.boolean().nullish(),
  threads: z.number().int().positive().nullish(),
  parallel: z.number().int().positive().nullish(),
  gpu_layers: z.number().int().nullish(),
  f16: z.boolean().nullish(),
  protocol: protocol.nullish(),
};

export const modelEntrySchema = z.strictObject(modelFields);
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const backendTemplateSchema = z.strictObject({
  cmd: z.string().min(1),
  health: z.string().regex(/^\//, { message: 'a path starting with /' }).nullish(),
  env: envMap.nullish(),
  protocol: protocol.nullish(),
});

/** How the Ollama-compatible API treats a client's `keep_alive` (off by default: the config decides). */
export const ollamaSchema = z.strictObject({
  keep_alive: z.enum(['honour', 'ignore']).nullish().describe("honour: a client's keep_alive may shorten a model's idle time (never lengthen it); ignore (default): the config decides"),
});

export const mainConfigSchema = z.strictObject({
  listen: z.string().nullish().describe('HOST:PORT of the API, routers and dashboard (default 127.0.0.1:11500)'),
  ollama_listen: z.string({ message: 'expected HOST:PORT, e.g. 127.0.0.1:11434' }).nullish().describe("optional second listener at Ollama's address for clients that assume it, e.g. 127.0.0.1:11434"),
  ollama: ollamaSchema.nullish().describe('the Ollama-compatible API'),
  state_dir: z.string().min(1).nullish().describe('event log, run records of live backends, measured memory peaks'),
  models_dir: z.string().min(1).nullish().describe('a folder of LocalAI-style model YAML files, loaded as models too'),
  discover: z.array(z.string().min(1)).nullish(),
  discover_backend: z.string().min(1).nullish(),
  api_key: z.string().min(1).nullish().describe('when set, /api, /v1 and /metrics need Authorization: Bearer <key>'),
  watchdog: watchdogPatchSchema.nullish().describe('idle, busy, LRU and memory rules'),
  backends: z.record(z.string().min(1), backendTemplateSchema).nullish().describe('reusable launch templates (cmd with ${PORT} ${MODEL} ${ARGS} ${NAME} ${env.VAR}, health path, env)'),
  models: z.record(z.string().min(1), modelEntrySchema).nullish().describe('the models, by name'),
  api_keys: z.array(z.string().min(1).regex(/^\S+$/, { message: 'an API key cannot contain spaces' })).nullish(),
  list_aliases: z.boolean().nullish(),
  allowed_hosts: z.array(hostName).nullish(),
  global_concurrency_limit: z.number().int().min(0).nullish(),
  send_loading_state: z.boolean().nullish(),
  hooks: hooksSchema.nullish(),
});
export type MainConfigYaml = z.infer<typeof mainConfigSchema>;

/**
 * A LocalAI model file: its own keys are kept loose (LocalAI has dozens we do not use), the
 * ones loadout reads are typed.
 */
export const localAiModelSchema = z.looseObject({
  ...modelFields,
  name: z.string().min(1),
  parameters: z.looseObject({ model: z.string().min(1).nullish() }).nullish(),
  disabled: z.boolean().nullish(),
  /** LocalAI backend options, `key:value` each, e.g. `parallel:4`. */
  options: z.array(z.string()).nullish(),
});
export type LocalAiModelYaml = z.infer<typeof localAiModelSchema>;
