import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { commandTemplateProblem } from '../backends/command-line.js';
import { BUILTIN_TEMPLATE_NAME, builtinTemplate } from '../backends/builtin-template.js';
import { LLAMA_SERVER_TEMPLATE, LLAMA_SERVER_TEMPLATE_NAME } from '../backends/llama-server-template.js';
import { findExecutable } from '../gpu/find-executable.js';
import { buildModel, type BuiltModel } from './build-model.js';
import { ConfigInvalid } from './config-invalid.js';
import { mainConfigSchema, type MainConfigYaml } from './config-schema.js';
import { defaultStateDir } from './default-state-dir.js';
import { issueToConfigError } from './issue-to-config-error.js';
import { isLlamaSwapConfig } from './llama-swap/keys.js';
import { LlamaSwapSource } from './llama-swap/llama-swap-source.js';
import { loadModelsDir } from './load-models-dir.js';
import { parseListen } from './parse-listen.js';
import { resolvePath } from './resolve-path.js';
import { topLevelExtras } from './top-level-extras.js';
import { DEFAULT_OLLAMA, DEFAULT_WATCHDOG, type BackendTemplate, type ConfigResult, type LoadoutConfig, type ModelConfig } from './types.js';
import { applyWatchdogPatch } from './watchdog-settings.js';
import { YamlSource } from './yaml-source.js';

export interface LoadConfigOptions {
  /** The environment `${env.VAR}` is checked against; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** What `~` means; default `os.homedir()`. */
  homeDir?: string;
  /** Picks the default state_dir; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** The Node (or Electron) that runs the built-in backend; default `process.execPath`. */
  execPath?: string;
  /** Whether `llama-server` is installed; default: looked up on PATH. */
  llamaServerOnPath?: boolean;
}

export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 11500 } as const;

/**
 * Reads, validates and resolves the config file (CONTRACT §2) and the models_dir files it names.
 * Never throws for a bad config: the result names file, line, column and dotted key.
 */
export async function loadConfig(file: string, opts: LoadConfigOptions = {}): Promise<ConfigResult> {
  const absFile = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absFile, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, error: { file: absFile, line: null, column: null, key: null, message: `cannot read the config file: ${err.code ?? err.message}` } };
  }
  try {
    const warnings: string[] = [];
    const config = await resolve(new YamlSource(absFile, text), opts, warnings);
    return { ok: true, config, warnings };
  } catch (e) {
    if (e instanceof ConfigInvalid) return { ok: false, error: e.error };
    throw e;
  }
}

async function resolve(yamlSource: YamlSource, opts: LoadConfigOptions, warnings: string[]): Promise<LoadoutConfig> {
  const env = opts.env ?? process.env;
  const homeDir = opts.homeDir ?? os.homedir();
  const baseDir = path.dirname(yamlSource.file);
  const syntax = yamlSource.syntaxError();
  if (syntax) throw new ConfigInvalid(syntax);
  warnings.push(...yamlSource.warnings());
  const source = isLlamaSwapConfig(yamlSource.value()) ? llamaSwap(yamlSource, env, warnings) : yamlSource;
  const parsed = mainConfigSchema.safeParse(source.value());
  if (!parsed.success) throw new ConfigInvalid(issueToConfigError(source, parsed.error));
  const y: MainConfigYaml = parsed.data;

  const listen = y.listen == null ? { ...DEFAULT_LISTEN } : parseListen(y.listen);
  if (!listen) throw new ConfigInvalid(source.errorAt(['listen'], 'expected HOST:PORT, e.g. 127.0.0.1:11500 or [::1]:11500'));
  const ollamaListen = y.ollama_listen == null ? null : parseListen(y.ollama_listen);
  if (y.ollama_listen != null && !ollamaListen) throw new ConfigInvalid(source.errorAt(['ollama_listen'], 'expected HOST:PORT, e.g. 127.0.0.1:11434'));
  const apiKey = y.api_key ?? null;
  if (!apiKey && !isLoopback(listen.host)) {
    warnings.push(`listen ${listen.host}:${listen.port} is reachable from other machines and api_key is not set`);
  }
  if (ollamaListen && !apiKey && !isLoopback(ollamaListen.host)) {
    warnings.push(`ollama_listen ${ollamaListen.host}:${ollamaListen.port} is reachable from other machines and api_key is not set`);
  }

  const backends = resolveBackends(source, y, opts.execPath ?? process.execPath);
  // Works with model files alone: without llama-server installed, models run on the built-in backend.
  const onPath = opts.llamaServerOnPath ?? (await findExecutable('llama-server', env)) !== null;
  const defaultBackend = onPath ? LLAMA_SERVER_TEMPLATE_NAME : BUILTIN_TEMPLATE_NAME;
  const models: BuiltModel[] = Object.entries(y.models ?? {}).map(([name, entry]) =>
    buildModel({ name, entry, source, at: ['models', name], sourceKind: 'main', backends, defaultBackend, env, homeDir, baseDir, warnings }),
  );
  const modelsDir = y.models_dir == null ? null : resolvePath(y.models_dir, { homeDir, baseDir });
  if (modelsDir) models.push(...(await loadModelsDir(modelsDir, { backends, defaultBackend, env, homeDir, warnings })));
  checkUniqueNames(models);
  const discover = [...(y.discover ?? []).map((d) => resolvePath(d, { homeDir, baseDir })), ...(modelsDir ? [modelsDir] : [])];
  const discoverBackend = y.discover_backend ?? null;
  if (discoverBackend !== null && !backends[discoverBackend]) {
    const known = Object.keys(backends).sort().join(', ');
    throw new ConfigInvalid(source.errorAt(['discover_backend'], `unknown backend "${discoverBackend}"; define it under backends: (known: ${known})`));
  }

  return {
    file: source.file,
    listen,
    ollamaListen,
    ollama: { keepAlive: y.ollama?.keep_alive ?? DEFAULT_OLLAMA.keepAlive },
    stateDir: y.state_dir == null ? defaultStateDir(env, opts.platform ?? process.platform, homeDir) : resolvePath(y.state_dir, { homeDir, baseDir }),
    modelsDir,
    discover: [...new Set(discover)],
    discoverBackend,
    apiKey,
    watchdog: applyWatchdogPatch(DEFAULT_WATCHDOG, y.watchdog ?? {}),
    backends,
    models: models.map((m) => withLoadingState(m.config, y.send_loading_state)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    ...topLevelExtras(source, y),
  };
}

/** A model's own `send_loading_state`, else the top-level one. */
function withLoadingState(m: ModelConfig, all: boolean | null | undefined): ModelConfig {
  return m.sendLoadingState === undefined && all ? { ...m, sendLoadingState: true } : m;
}

/** A llama-swap config.yaml, read as is (issue 11): translated, with one warning for what is not used. */
function llamaSwap(source: YamlSource, env: Record<string, string | undefined>, warnings: string[]): LlamaSwapSource {
  const translated = new LlamaSwapSource(source.file, source.text, env);
  const { ignored } = translated.translation;
  if (ignored.length > 0) warnings.push(`${source.file}: llama-swap config: ignoring ${ignored.join(', ')}`);
  return translated;
}

/** `backends:` plus the built-in llama-server and builtin templates, each command checked for quoting and macros. */
function resolveBackends(source: YamlSource, y: MainConfigYaml, execPath: string): Record<string, BackendTemplate> {
  const out: Record<string, BackendTemplate> = {
    [LLAMA_SERVER_TEMPLATE_NAME]: { ...LLAMA_SERVER_TEMPLATE, env: {} },
    [BUILTIN_TEMPLATE_NAME]: builtinTemplate(execPath),
  };
  for (const [name, t] of Object.entries(y.backends ?? {})) {
    const problem = commandTemplateProblem(t.cmd);
    if (problem) throw new ConfigInvalid(source.errorAt(['backends', name, 'cmd'], problem));
    out[name] = { cmd: t.cmd, health: t.health ?? '/health', env: { ...(t.env ?? {}) }, protocol: t.protocol ?? 'http' };
  }
  return out;
}

/** Names and aliases route requests, so each may mean one model only. */
function checkUniqueNames(models: BuiltModel[]): void {
  const owner = new Map<string, BuiltModel>();
  const where = (m: BuiltModel) => (m.config.sourceKind === 'main' ? `models.${m.config.name}` : m.source.file);
  for (const m of models) {
    const clash = owner.get(m.config.name);
    if (clash) {
      const at = m.at.length > 0 ? m.at : ['name'];
      throw new ConfigInvalid(m.source.errorAt(at, `model name "${m.config.name}" is already used by ${where(clash)}`, 'key'));
    }
    owner.set(m.config.name, m);
  }
  for (const m of models) {
    for (const [alias, i] of m.aliasAt) {
      const clash = owner.get(alias);
      if (clash && clash !== m) {
        throw new ConfigInvalid(m.source.errorAt([...m.at, 'aliases', i], `alias "${alias}" is already used by ${where(clash)}`));
      }
      owner.set(alias, m);
    }
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
