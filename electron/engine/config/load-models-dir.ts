import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildModel, type BuiltModel } from './build-model.js';
import { ConfigInvalid } from './config-invalid.js';
import { localAiModelSchema, type LocalAiModelYaml, type ModelEntry } from './config-schema.js';
import { issueToConfigError } from './issue-to-config-error.js';
import { formatConfigError, type BackendTemplate } from './types.js';
import { YamlSource } from './yaml-source.js';

/**
 * Keys that decide what runs and how: only the main config may set them. A file dropped into
 * `models_dir` (a download, a shared folder) must not be able to run a command or inject
 * `LD_PRELOAD` (issue 8); it names a backend template from the main config instead.
 */
const MAIN_CONFIG_ONLY = ['cmd', 'env'] as const;

/** LocalAI's names for llama.cpp; an unset backend means auto-detect there, llama.cpp here. */
const LLAMA_CPP_BACKENDS = new Set(['llama-cpp', 'llama.cpp', 'llama']);

export interface ModelsDirContext {
  backends: Record<string, BackendTemplate>;
  /** What LocalAI's llama.cpp backends map to: llama-server when installed, else builtin. */
  defaultBackend: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  warnings: string[];
}

/**
 * Every `*.yaml`/`*.yml` in `dir` as a LocalAI-style model file, in file-name order. A file that
 * is not valid throws ConfigInvalid naming it; a model whose LocalAI backend has no loadout
 * equivalent is skipped with a warning, so one whisper/diffusers file does not take the rest down.
 * A file that sets `cmd` or `env` is refused with a warning naming the file, line and key.
 */
export async function loadModelsDir(dir: string, ctx: ModelsDirContext): Promise<BuiltModel[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    ctx.warnings.push(`models_dir ${dir} does not exist; no models loaded from it`);
    return [];
  }
  const out: BuiltModel[] = [];
  for (const name of names.filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.')).sort()) {
    const file = path.join(dir, name);
    const built = buildFromFile(new YamlSource(file, await readFile(file, 'utf8')), dir, ctx);
    if (built) out.push(built);
  }
  return out;
}

function buildFromFile(source: YamlSource, dir: string, ctx: ModelsDirContext): BuiltModel | null {
  const syntax = source.syntaxError();
  if (syntax) throw new ConfigInvalid(syntax);
  ctx.warnings.push(...source.warnings());
  const parsed = localAiModelSchema.safeParse(source.value());
  if (!parsed.success) throw new ConfigInvalid(issueToConfigError(source, parsed.error));
  const y = parsed.data;
  const forbidden = MAIN_CONFIG_ONLY.find((key) => y[key] != null);
  if (forbidden) {
    const why = `only the main config may set ${forbidden} (a models_dir file cannot run commands or change a backend's environment); model "${y.name}" not loaded — define it in the main config or use a backend template from there`;
    ctx.warnings.push(formatConfigError(source.errorAt([forbidden], why, 'key')));
    return null;
  }
  // LocalAI's `disabled: true` hides a model; it is not loadable here either.
  if (y.disabled) return null;
  ctx.warnings.push(...ignoredKeys(source.file, y));

  const modelPath = y.parameters?.model ?? y.model;
  const entry: ModelEntry = {
    health: y.health, model: modelPath, args: y.args, aliases: y.aliases, pinned: y.pinned,
    concurrency_groups: y.concurrency_groups, ttl: y.ttl, vram: y.vram, unlisted: y.unlisted, context_size: y.context_size,
    mmproj: y.mmproj, embeddings: y.embeddings, threads: y.threads, gpu_layers: y.gpu_layers, f16: y.f16,
    parallel: y.parallel ?? parallelOption(source.file, y.options ?? [], ctx.warnings),
    protocol: y.protocol,
  };
  const leadingArgs: string[] = [];
  if (y.backend == null || LLAMA_CPP_BACKENDS.has(y.backend)) {
    entry.backend = ctx.defaultBackend;
    if (y.context_size != null) leadingArgs.push('-c', String(y.context_size));
  } else if (ctx.backends[y.backend]) {
    entry.backend = y.backend;
  } else {
    ctx.warnings.push(`${source.file}: backend "${y.backend}" has no loadout template; add one under backends: in the main config to use this model`);
    return null;
  }
  return buildModel({
    name: y.name, entry, source, at: [], sourceKind: 'models_dir', backends: ctx.backends, defaultBackend: ctx.defaultBackend, env: ctx.env,
    homeDir: ctx.homeDir, baseDir: dir, leadingArgs, warnings: ctx.warnings,
    modelKey: y.parameters?.model != null || y.model == null ? ['parameters', 'model'] : ['model'],
  });
}

/** Top-level keys Loadout reads from a LocalAI file; every other key is reported as ignored. */
const READ_KEYS = new Set([...Object.keys(localAiModelSchema.shape)]);

/** A warning per key of `y` that nothing reads (LocalAI has dozens: templates, roles, stopwords…). */
function ignoredKeys(file: string, y: LocalAiModelYaml): string[] {
  const out: string[] = [];
  for (const key of Object.keys(y)) if (!READ_KEYS.has(key)) out.push(`${file}: ${key}: ignored, Loadout does not use this LocalAI key`);
  for (const key of Object.keys(y.parameters ?? {})) {
    if (key !== 'model') out.push(`${file}: parameters.${key}: ignored, request defaults are not applied (clients send their own)`);
  }
  return out;
}

/** `parallel:N` (or `n_parallel:N`) from LocalAI's `options`; every other option is reported as ignored. */
function parallelOption(file: string, options: string[], warnings: string[]): number | null {
  let parallel: number | null = null;
  options.forEach((opt, i) => {
    const [key, value] = opt.split(':', 2).map((p) => p.trim());
    const n = Number(value);
    if ((key === 'parallel' || key === 'n_parallel') && Number.isInteger(n) && n > 0) parallel = n;
    else warnings.push(`${file}: options.${i}: "${opt}" ignored, Loadout reads only parallel:N`);
  });
  return parallel;
}
