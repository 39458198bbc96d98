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
  /** While other models' requests wait, a resident model stops taking new requests this long after they began waiting; 0 = never. */
  maxTurnMs: number;
  /** After a failed start, requests are refused this long (doubling per failure up to the max) without spawning. */
  loadFailureCooldownMs: number;
  loadFailureCooldownMaxMs: number;
  /** Ready backends are probed this often; 3 failures in a row recycle them. 0 = off. */
  healthCheckIntervalMs: number;
  /** A graceful unload or shutdown waits at most this long for requests in flight. */
  drainTimeoutMs: number;
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
  maxTurnMs: 30_000,
  loadFailureCooldownMs: 10_000,
  loadFailureCooldownMaxMs: 5 * 60_000,
  healthCheckIntervalMs: 10_000,
  drainTimeoutMs: 30_000,
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
  /** Upstream response-header timeout in ms; null = none. */
  responseTimeoutMs: number | null;
  /** Left out of `GET /v1/models`. */
  unlisted: boolean;
  /** How the backend is spoken to: OpenAI-compatible HTTP, or LocalAI's gRPC `backend.proto`. */
  protocol: BackendProtocol;
  /** The file that defines this model; `pinned` is written back there. */
  sourceFile: string;
  /**
   * `main` = the `models:` map of the config file; `models_dir` = a LocalAI-style YAML of its own;
   * `discovered` = a GGUF file found in a `discover:` folder (`sourceFile` is the GGUF file).
   */
  sourceKind: 'main' | 'models_dir' | 'discovered';
  /** Loaded when the service starts. */
  preload?: boolean;
  /** How the backend is launched and stopped beyond `cmd` (absent = the defaults). */
  launch?: LaunchOptions;
  /** Rules applied to each routed request (absent = none). */
  requests?: RequestRules;
  /** Shown in `/v1/models` (llama-swap's `name` / `description`). */
  displayName?: string | null;
  description?: string | null;
  /** A streaming chat request that has to wait for a load is told about it as `reasoning_content`. */
  sendLoadingState?: boolean;
  /** What the GGUF header says (discovered models). */
  gguf?: GgufFacts | null;
  /** Multimodal projector file (`--mmproj`). */
  mmproj?: string | null;
  /** Serve embeddings (`--embeddings`); LocalAI's `embeddings: true`. */
  embeddings?: boolean;
  /** CPU threads (`-t`). */
  threads?: number | null;
  /** Parallel request slots (`-np`); LocalAI's `options: [parallel:N]`. */
  parallel?: number | null;
  /** Layers offloaded to the GPU (`-ngl`). */
  gpuLayers?: number | null;
  /** LocalAI's `f16`: an f16 KV cache when true (llama.cpp's default), f32 when false. */
  f16?: boolean | null;
}

/** A discovered model's facts, from its GGUF header(s). */
export interface GgufFacts {
  /** Every file of the model, first shard first. */
  files: string[];
  sizeBytes: number;
  architecture: string | null;
  parameterCount: number;
  quantization: string | null;
  contextLength: number | null;
}

/** Launch details a model may set; each null/undefined means Loadout's default. */
export interface LaunchOptions {
  /** Run instead of SIGTERM to stop the backend; `${PID}` is its pid. The group is still killed after the stop timeout. */
  stopCmd?: string | null;
  /** Upstream base URL when the backend does not listen on 127.0.0.1:${PORT}, e.g. `http://127.0.0.1:9999`. */
  proxy?: string | null;
  /** Preferred `${PORT}`; a free one is taken when it is busy. */
  port?: number | null;
  /** False: no health check, ready as soon as the process runs. */
  healthCheck?: boolean;
  /** Per-model SIGTERM → SIGKILL grace; null = `watchdog.stop_timeout`. */
  stopTimeoutMs?: number | null;
}

/** Per-model request rules (llama-swap's useModelName, concurrencyLimit, filters). */
export interface RequestRules {
  /** Replaces `model` in the body sent upstream. */
  useModelName: string | null;
  /** Requests in flight beyond this get 429; 0 = unlimited. */
  concurrencyLimit: number;
  /** Body fields removed before forwarding (`model` is never removed). */
  stripParams: string[];
  /** Body fields set before forwarding; a key ending in `?` is set only when the request lacks it. */
  setParams: Record<string, unknown>;
}

/** Commands run on lifecycle events, with the event as JSON on stdin. */
export interface HooksConfig {
  timeoutMs: number;
  commands: Partial<Record<HookName, string[]>>;
}

export const HOOK_NAMES = ['before_load', 'after_ready', 'before_unload', 'after_unload', 'on_evicted', 'on_failed'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export type BackendProtocol = 'http' | 'grpc';

export interface BackendTemplate {
  cmd: string;
  health: string;
  env: Record<string, string>;
  protocol: BackendProtocol;
}

/** `ollama:` — the Ollama-compatible API. */
export interface OllamaSettings {
  /** `honour`: a client's `keep_alive` may shorten a model's idle time (never lengthen it); `ignore`: the config decides. */
  keepAlive: 'honour' | 'ignore';
}

export const DEFAULT_OLLAMA: OllamaSettings = { keepAlive: 'ignore' };

export interface LoadoutConfig {
  file: string;
  listen: { host: string; port: number };
  /** A second listener for clients that assume Ollama's address (e.g. 127.0.0.1:11434); null = none. */
  ollamaListen?: { host: string; port: number } | null;
  /** Absent = DEFAULT_OLLAMA. */
  ollama?: OllamaSettings;
  stateDir: string;
  modelsDir: string | null;
  /** Folders scanned for `*.gguf` (`discover:`), plus models_dir; absolute. */
  discover?: string[];
  /** The template discovered models use; null = `llama-server` when on PATH, else `builtin`. */
  discoverBackend?: string | null;
  apiKey: string | null;
  watchdog: WatchdogSettings;
  backends: Record<string, BackendTemplate>;
  /** Sorted by name. */
  models: ModelConfig[];
  /** More accepted keys besides `apiKey` (llama-swap's apiKeys). */
  apiKeys?: string[];
  /** Extra names accepted in the HTTP API's `Host` check (lower-case), e.g. `host.docker.internal`. */
  allowedHosts?: string[];
  /** Aliases listed in `/v1/models` (default true; llama-swap's includeAliasesInList defaults to false). */
  listAliases?: boolean;
  /** Requests in flight across all models beyond this get 429; 0 = unlimited. */
  globalConcurrencyLimit?: number;
  hooks?: HooksConfig;
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
