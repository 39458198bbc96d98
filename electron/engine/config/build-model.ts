import { BUILTIN_TEMPLATE_NAME } from '../backends/builtin-template.js';
import { parseLlamaArgs } from '../backends/llama-args.js';
import { CommandLineError, commandTemplateProblem, quoteArg, splitCommandLine, unknownMacros, usedMacros } from '../backends/command-line.js';
import { parseDuration, parseSize } from '../../../shared/units.js';
import { ConfigInvalid } from './config-invalid.js';
import type { ModelEntry } from './config-schema.js';
import { contextSizeFromArgs } from './context-size-from-args.js';
import { modelExtras } from './model-extras.js';
import { llamaServerArgs, OPTION_KEYS, setOptions, type ModelOptions } from './model-options.js';
import { LLAMA_SERVER_TEMPLATE_NAME } from '../backends/llama-server-template.js';
import { normalizeGroups } from './normalize-groups.js';
import { resolvePath } from './resolve-path.js';
import type { BackendTemplate, ModelConfig } from './types.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

export interface BuildModelInput {
  name: string;
  entry: ModelEntry;
  source: YamlSource;
  /** Where the model's map sits in `source`: `['models', name]`, or `[]` for a models_dir file. */
  at: YamlPath;
  sourceKind: ModelConfig['sourceKind'];
  backends: Record<string, BackendTemplate>;
  /** The template of a model with neither `backend` nor `cmd`: llama-server when on PATH, else builtin. */
  defaultBackend: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Relative `model` paths resolve against this directory. */
  baseDir: string;
  /** Arguments placed before `args` (LocalAI's context_size / gpu_layers). */
  leadingArgs?: string[];
  /** Where `model` is written, when not `model` (LocalAI: `parameters.model`). */
  modelKey?: YamlPath;
  warnings: string[];
}

/** A model plus where it was written, so later cross-model checks can point at the right line. */
export interface BuiltModel {
  config: ModelConfig;
  source: YamlSource;
  at: YamlPath;
  /** Each alias and the index it was written at in `aliases:`. */
  aliasAt: Map<string, number>;
}

/** One `models:` entry (or models_dir file) resolved against the templates; throws ConfigInvalid. */
export function buildModel(input: BuildModelInput): BuiltModel {
  const { entry, source, at, name } = input;
  const fail = (key: YamlPath, message: string, where: 'key' | 'value' = 'value'): never => {
    throw new ConfigInvalid(source.errorAt([...at, ...key], message, where));
  };

  if (entry.cmd && entry.backend) fail(['cmd'], 'set either `backend` (a template) or `cmd`, not both');
  let template: BackendTemplate;
  let backend: string | null = null;
  if (entry.cmd) {
    const problem = commandTemplateProblem(entry.cmd);
    if (problem) fail(['cmd'], problem);
    template = { cmd: entry.cmd, health: '/health', env: {}, protocol: 'http' };
  } else {
    backend = entry.backend ?? input.defaultBackend;
    const found = input.backends[backend];
    if (!found) {
      const known = Object.keys(input.backends).sort().join(', ');
      return fail(['backend'], `unknown backend "${backend}"; define it under backends: (known: ${known})`);
    }
    template = found;
  }

  let written: string[];
  try {
    written = argsToList(entry.args);
  } catch (e) {
    if (!(e instanceof CommandLineError)) throw e;
    return fail(['args'], e.message);
  }
  const options: ModelOptions = {
    mmproj: entry.mmproj ? resolvePath(entry.mmproj, { homeDir: input.homeDir, baseDir: input.baseDir }) : null,
    embeddings: entry.embeddings ?? false,
    threads: entry.threads ?? null,
    parallel: entry.parallel ?? null,
    gpuLayers: entry.gpu_layers ?? null,
    f16: entry.f16 ?? null,
  };
  const optionArgs: string[] = [];
  if (backend === LLAMA_SERVER_TEMPLATE_NAME) optionArgs.push(...llamaServerArgs(options));
  else if (backend === BUILTIN_TEMPLATE_NAME) {
    // The built-in backend takes llama-server's flags, except the KV cache type.
    optionArgs.push(...llamaServerArgs({ ...options, f16: null }));
    if (options.f16 === false) input.warnings.push(`${source.file}: ${[...at, 'f16'].join('.')}: ignored, the built-in backend keeps an f16 KV cache`);
  } else {
    // Only llama-server's flags are known.
    const by = backend ? `backend "${backend}"` : 'its own cmd';
    for (const k of setOptions(options)) {
      input.warnings.push(`${source.file}: ${[...at, OPTION_KEYS[k]].join('.')}: ignored, ${by} is not told about it (put it in args)`);
    }
  }
  const argList = [...(input.leadingArgs ?? []), ...optionArgs, ...written];
  const args = argList.map(quoteArg).join(' ');
  const argv = splitCommandLine(args);
  const cmdKey: YamlPath = backend ? ['backend'] : ['cmd'];
  const badArgMacro = [...unknownMacros(args), ...usedMacros(args).filter((m) => m === 'ARGS')][0];
  if (badArgMacro !== undefined) fail(['args'], `\${${badArgMacro}} cannot be used in args`);

  const env = { ...template.env, ...(entry.env ?? {}) };
  const macros = [...usedMacros(template.cmd), ...usedMacros(args)];
  if (macros.includes('MODEL') && !entry.model) {
    fail(input.modelKey ?? ['model'], `required: the command of "${name}" uses \${MODEL}`, 'key');
  }
  for (const m of macros) {
    const v = /^env\.(.+)$/.exec(m)?.[1];
    if (v !== undefined && env[v] === undefined && input.env[v] === undefined) {
      fail(m && usedMacros(args).includes(m) ? ['args'] : cmdKey, `\${${m}}: environment variable ${v} is not set`);
    }
  }
  const protocol = entry.protocol ?? template.protocol;
  // The built-in backend and gRPC backends read llama-server's flags themselves: a typo is a config
  // error here rather than a backend that exits (or a LoadModel that ignores it) later.
  if (backend === BUILTIN_TEMPLATE_NAME || protocol === 'grpc') {
    const checked = parseLlamaArgs(argv);
    if (!checked.ok) fail(['args'], `${checked.error} (the ${protocol === 'grpc' ? 'gRPC' : 'built-in'} backend takes llama-server's -c, -ngl, -t, -np, -b, --embeddings, --mmproj, --mlock, --no-mmap and key:value options)`);
  }
  if (protocol === 'grpc' && entry.health) {
    input.warnings.push(`${source.file}: ${[...at, 'health'].join('.')}: ignored, a gRPC backend is checked with its gRPC Health call`);
  }
  // A gRPC backend gets its args as LoadModel options, not on its command line.
  if (argList.length > 0 && protocol === 'http' && !usedMacros(template.cmd).includes('ARGS')) {
    input.warnings.push(`${source.file}: ${[...at, 'args'].join('.')}: ignored, the command has no \${ARGS}`);
  }

  const aliasAt = new Map<string, number>();
  (entry.aliases ?? []).forEach((a, i) => {
    const t = a.trim();
    if (t && t !== name && !aliasAt.has(t)) aliasAt.set(t, i);
  });

  return {
    source,
    at,
    aliasAt,
    config: {
      name,
      cmd: template.cmd,
      health: entry.health && entry.health !== 'none' ? entry.health : template.health,
      model: entry.model ? resolvePath(entry.model, { homeDir: input.homeDir, baseDir: input.baseDir }) : null,
      args,
      env,
      aliases: [...aliasAt.keys()],
      pinned: entry.pinned ?? false,
      groups: normalizeGroups(entry.concurrency_groups),
      ttlMs: entry.ttl == null ? null : parseDuration(entry.ttl),
      vramBytes: entry.vram == null ? null : parseSize(entry.vram),
      contextSize: entry.context_size ?? contextSizeFromArgs(argv),
      backend,
      unlisted: entry.unlisted ?? false,
      responseTimeoutMs: entry.response_timeout == null ? null : parseDuration(entry.response_timeout),
      preload: entry.preload ?? false,
      protocol,
      sourceFile: source.file,
      sourceKind: input.sourceKind,
      ...modelExtras(entry, fail),
      ...options,
    },
  };
}

/** `args` as written: a string is split (and re-quoted later), a list is taken word for word; throws CommandLineError. */
function argsToList(args: ModelEntry['args']): string[] {
  if (args == null) return [];
  return typeof args === 'string' ? splitCommandLine(args) : args.map(String);
}
