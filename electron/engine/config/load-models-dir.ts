import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildModel, type BuiltModel } from './build-model.js';
import { ConfigInvalid } from './config-invalid.js';
import { localAiModelSchema, type ModelEntry } from './config-schema.js';
import { issueToConfigError } from './issue-to-config-error.js';
import type { BackendTemplate } from './types.js';
import { YamlSource } from './yaml-source.js';

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

  const modelPath = y.parameters?.model ?? y.model;
  const entry: ModelEntry = {
    cmd: y.cmd, health: y.health, model: modelPath, args: y.args, env: y.env, aliases: y.aliases, pinned: y.pinned,
    concurrency_groups: y.concurrency_groups, ttl: y.ttl, vram: y.vram, unlisted: y.unlisted, context_size: y.context_size,
    protocol: y.protocol,
  };
  const leadingArgs: string[] = [];
  if (!y.cmd) {
    if (y.backend == null || LLAMA_CPP_BACKENDS.has(y.backend)) {
      entry.backend = ctx.defaultBackend;
      if (y.context_size != null) leadingArgs.push('-c', String(y.context_size));
      if (y.gpu_layers != null) leadingArgs.push('-ngl', String(y.gpu_layers));
    } else if (ctx.backends[y.backend]) {
      entry.backend = y.backend;
    } else {
      ctx.warnings.push(`${source.file}: backend "${y.backend}" has no loadout template; add cmd: to use this model`);
      return null;
    }
  }
  return buildModel({
    name: y.name, entry, source, at: [], sourceKind: 'models_dir', backends: ctx.backends, defaultBackend: ctx.defaultBackend, env: ctx.env,
    homeDir: ctx.homeDir, baseDir: dir, leadingArgs, warnings: ctx.warnings,
    modelKey: y.parameters?.model != null || y.model == null ? ['parameters', 'model'] : ['model'],
  });
}
