import { z } from 'zod';
import { watchdogPatchSchema } from '../../../shared/settings.js';
import { parseDuration, parseSize } from '../../../shared/units.js';

// The YAML shapes of CONTRACT §2, before paths, templates and macros are resolved.

const duration = z.union([z.string(), z.number()]).refine((v) => parseDuration(v) !== null, {
  message: 'expected a duration such as 500ms, 10s, 15m, 1h or a number of seconds',
});
const size = z.union([z.string(), z.number()]).refine((v) => parseSize(v) !== null, {
  message: 'expected a size such as 512MiB, 6GiB, 6GB or a number of bytes',
});
const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name: letters, digits, _' }),
  z.string({ message: 'expected a string; quote numbers such as "1"' }),
);
const stringList = z.array(z.string());
/** `grpc`: a LocalAI backend (backend.proto) rather than an OpenAI-compatible HTTP server. */
const protocol = z.enum(['http', 'grpc']);
/** `args` as one command-line string, or a list of single arguments. */
const args = z.union([z.string(), z.array(z.union([z.string(), z.number()]))]);

/** The fields a model may set, in the main config and (as loadout extras) in models_dir files. */
const modelFields = {
  backend: z.string().min(1).nullish(),
  cmd: z.string().min(1).nullish(),
  health: z.string().regex(/^\//, { message: 'a path starting with /' }).nullish(),
  model: z.string().min(1).nullish(),
  args: args.nullish(),
  env: envMap.nullish(),
  aliases: stringList.nullish(),
  pinned: z.boolean().nullish(),
  concurrency_groups: stringList.nullish(),
  ttl: duration.nullish(),
  vram: size.nullish(),
  unlisted: z.boolean().nullish(),
  context_size: z.number().int().positive().nullish(),
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

export const mainConfigSchema = z.strictObject({
  listen: z.string().nullish(),
  state_dir: z.string().min(1).nullish(),
  models_dir: z.string().min(1).nullish(),
  api_key: z.string().min(1).nullish(),
  watchdog: watchdogPatchSchema.nullish(),
  backends: z.record(z.string().min(1), backendTemplateSchema).nullish(),
  models: z.record(z.string().min(1), modelEntrySchema).nullish(),
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
  gpu_layers: z.number().int().nullish(),
});
export type LocalAiModelYaml = z.infer<typeof localAiModelSchema>;
