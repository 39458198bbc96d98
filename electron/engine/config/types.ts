/** The resolved, validated configuration the engine runs on (CONTRACT §2). Times in ms, sizes in bytes. */

export interface WatchdogSettings {
  intervalMs: number;
  idleCheck: boolean;
  idleTimeoutMs: number;
  busyCheck: boolean;
  busyTimeoutMs: number;
  maxActive: number;
  memoryReclaimer: boolean;
  memoryThreshold: number;
  vramHeadroomBytes: number;
  forceEvictionWhenBusy: boolean;
  evictionRetries: number;
  evictionRetryIntervalMs: number;
  stopTimeoutMs: number;
  healthTimeoutMs: number;
}

export const DEFAULT_WATCHDOG: WatchdogSettings = {
  intervalMs: 500,
  idleCheck: true,
  idleTimeoutMs: 15 * 60_000,
  busyCheck: false,
  busyTimeoutMs: 5 * 60_000,
  maxActive: 0,
  memoryReclaimer: false,
  memoryThreshold: 0.95,
  vramHeadroomBytes: 512 * 1024 ** 2,
  forceEvictionWhenBusy: false,
  evictionRetries: 30,
  evictionRetryIntervalMs: 1000,
  stopTimeoutMs: 10_000,
  healthTimeoutMs: 120_000,
};

export interface ModelConfig {
  name: string;
  /** The command template before macro expansion, e.g. `llama-server --port ${PORT} -m ${MODEL} ${ARGS}`. */
  cmd: string;
  /** Health path polled until it answers 2xx, e.g. `/health`. */
  health: string;
  /** `${MODEL}`: the model file (with `~` expanded), or null. */
  model: string | null;
  /** `${ARGS}`: extra arguments, split like a shell would. */
  args: string;
  env: Record<string, string>;
  aliases: string[];
  pinned: boolean;
  /** Trimmed, de-duplicated, empties dropped. */
  groups: string[];
  /** Per-model idle timeout; null = `watchdog.idle_timeout`. 0 disables. */
  ttlMs: number | null;
  /** Configured memory need, where it cannot be estimated. */
  vramBytes: number | null;
  /** Context size, from `-c N`/`--ctx-size N` in args or LocalAI's `context_size`; for memory estimates. */
  contextSize: number | null;
  /** Name of the template in `backends:` this model uses, or null for its own `cmd`. */
  backend: string | null;
  /** Left out of `GET /v1/models`. */
  unlisted: boolean;
  /** How the backend is spoken to: OpenAI-compatible HTTP, or LocalAI's gRPC `backend.proto`. */
  protocol: BackendProtocol;
  /** The file that defines this model; `pinned` is written back there. */
  sourceFile: string;
  /** `main` = the `models:` map of the config file; `models_dir` = a LocalAI-style YAML of its own. */
  sourceKind: 'main' | 'models_dir';
}

export type BackendProtocol = 'http' | 'grpc';

export interface BackendTemplate {
  cmd: string;
  health: string;
  env: Record<string, string>;
  protocol: BackendProtocol;
}

export interface LoadoutConfig {
  file: string;
  listen: { host: string; port: number };
  stateDir: string;
  modelsDir: string | null;
  apiKey: string | null;
  watchdog: WatchdogSettings;
  backends: Record<string, BackendTemplate>;
  /** Sorted by name. */
  models: ModelConfig[];
}

/** A config that could not be used: where and why (CONTRACT: file, line, column, key). */
export interface ConfigError {
  file: string;
  line: number | null;
  column: number | null;
  /** Dotted path of the offending key, e.g. `models.qwen3-8b.ttl`. */
  key: string | null;
  message: string;
}

export function formatConfigError(e: ConfigError): string {
  const where = [e.file, e.line != null ? String(e.line) : null, e.line != null && e.column != null ? String(e.column) : null]
    .filter(Boolean)
    .join(':');
  return `${where}: ${e.key ? `${e.key}: ` : ''}${e.message}`;
}

export type ConfigResult = { ok: true; config: LoadoutConfig; warnings: string[] } | { ok: false; error: ConfigError };
