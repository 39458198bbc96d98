import { BUILTIN_BACKEND_NAME } from '../backends/backend-names.js';
import { quoteArg } from '../backends/command-line.js';
import { LLAMA_SERVER_TEMPLATE_NAME } from '../backends/llama-server-template.js';
import { llamaServerArgs } from '../config/model-options.js';
import type { LoadoutConfig, ModelConfig } from '../config/types.js';
import type { DiscoveredModel } from './discover-models.js';

export interface MergeOptions {
  /** Whether `llama-server` is on PATH: then it runs discovered models, else the built-in backend. */
  llamaServerOnPath: boolean;
}

export interface Merged {
  config: LoadoutConfig;
  warnings: string[];
}

/** Which template discovered models use: `discover_backend`, else llama-server when on PATH, else builtin. */
export function discoveryBackend(config: LoadoutConfig, opts: MergeOptions): { name: string; warning: string | null } {
  const wanted = config.discoverBackend ?? (opts.llamaServerOnPath ? LLAMA_SERVER_TEMPLATE_NAME : BUILTIN_BACKEND_NAME);
  if (config.backends[wanted]) return { name: wanted, warning: null };
  return {
    name: LLAMA_SERVER_TEMPLATE_NAME,
    warning: `discover: no "${wanted}" backend is available; discovered models use llama-server, which is not on PATH`,
  };
}

/**
 * The config the engine runs: the configured models plus every discovered one (pure). A configured
 * model for the same file wins; a discovered name that is already a configured name or alias gets
 * a `-2`, `-3`… suffix, so nothing found is hidden.
 */
export function mergeDiscovered(config: LoadoutConfig, found: readonly DiscoveredModel[], opts: MergeOptions): Merged {
  if (found.length === 0) return { config, warnings: [] };
  const backend = discoveryBackend(config, opts);
  const template = config.backends[backend.name]!;
  const configuredFiles = new Set(config.models.map((m) => m.model).filter((f): f is string => f !== null));
  const taken = new Set(config.models.flatMap((m) => [m.name, ...m.aliases]));
  const added: ModelConfig[] = [];
  for (const d of found) {
    if (configuredFiles.has(d.file)) continue;
    let name = d.name;
    for (let i = 2; taken.has(name); i++) name = `${d.name}-${i}`;
    taken.add(name);
    added.push({
      name,
      cmd: template.cmd,
      health: template.health,
      model: d.file,
      responseTimeoutMs: null,
      // llama-server and the built-in backend take the projector as an argument.
      args: backend.name === LLAMA_SERVER_TEMPLATE_NAME || backend.name === BUILTIN_BACKEND_NAME ? llamaServerArgs({ mmproj: d.mmproj }).map(quoteArg).join(' ') : '',
      protocol: template.protocol,
      env: { ...template.env },
      aliases: [],
      pinned: false,
      groups: [],
      ttlMs: null,
      vramBytes: null,
      contextSize: null,
      backend: backend.name,
      unlisted: false,
      sourceFile: d.file,
      sourceKind: 'discovered',
      gguf: d.facts,
      mmproj: d.mmproj,
    });
  }
  const models = [...config.models, ...added].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { config: { ...config, models }, warnings: backend.warning && added.length ? [backend.warning] : [] };
}
