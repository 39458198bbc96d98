import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configJsonSchemaText, SCHEMA_FILE_NAME, SCHEMA_MODELINE } from './config-json-schema.js';

/** Written when the default config file is missing (CONTRACT §1): every key explained, no models. */
export const DEFAULT_CONFIG_TEXT = `${SCHEMA_MODELINE}
# Loadout configuration. Edits are picked up live; an invalid edit keeps the
# last good configuration running and is reported with file, line and key.

# API, OpenAI-compatible router and dashboard. Keep it on loopback unless you
# also set api_key.
listen: 127.0.0.1:11500

# Where the event log and records of running backends are kept (default: the
# platform's state directory).
# state_dir: ~/.local/state/loadout

# Optional: a directory of LocalAI-style model YAML files (name, backend,
# parameters.model, context_size, gpu_layers, threads, embeddings, mmproj, f16,
# options: [parallel:N], disabled, pinned, concurrency_groups). GGUF files in it
# are discovered too. Keys Loadout does not use are reported, never dropped silently.
models_dir: null

# Folders scanned for *.gguf files: each model found is listed (source:
# discovered) and loads with one click; "Add to config" makes it permanent.
# Split files (-00001-of-0000N) are one model; an mmproj file is attached to
# the models in its folder. Remove the "# " in front of the ones you use:
discover:
#   - ~/.lmstudio/models              # LM Studio
#   - ~/.cache/huggingface/hub        # Hugging Face hub cache
#   - ~/.cache/llama.cpp              # llama.cpp's -hf downloads
# Which template runs discovered models (default: llama-server when it is on
# PATH, else the built-in backend):
# discover_backend: llama-server

# Optional: when set, every /api, /v1 and /metrics request needs "Authorization: Bearer <key>".
api_key: null

# The Ollama-compatible API (/api/tags, /api/ps, /api/show, /api/chat, /api/generate,
# /api/embed) is served on listen. Optional: also at Ollama's own address, for
# clients that assume it.
ollama_listen: null               # e.g. 127.0.0.1:11434
ollama:
  keep_alive: ignore              # honour: a client's keep_alive may shorten (never lengthen) a model's idle time
# Extra names accepted as the Host of API requests, e.g. for a client in a
# Docker container that reaches this machine as host.docker.internal:
# allowed_hosts: [host.docker.internal]

watchdog:
  interval: 500ms                 # how often idle/busy/memory checks run
  idle_check: true                # unload models idle longer than idle_timeout
  idle_timeout: 15m
  busy_check: false               # kill models busy longer than busy_timeout
  busy_timeout: 5m
  max_active: 0                   # most models loaded at once (LRU); 0 = unlimited
  memory_reclaimer: false         # evict the least recently used model while memory use > memory_threshold
  memory_threshold: 0.95
  vram_headroom: 512MiB           # kept free when deciding whether a model fits
  force_eviction_when_busy: false # evict models with requests in flight instead of waiting
  eviction_retries: 30            # a load waits up to retries x interval for busy models
  eviction_retry_interval: 1s
  stop_timeout: 10s               # SIGTERM, wait this long, then SIGKILL
  health_timeout: 120s            # a backend not healthy by then fails its load

# Optional: commands run on lifecycle events, with the event as JSON on stdin
# (split like cmd, never run through a shell; killed after timeout; a failure is
# only logged). before_load and before_unload finish before Loadout goes on.
# hooks:
#   timeout: 10s
#   before_load: notify-send "loading a model"
#   after_ready: /usr/local/bin/warm-cache
#   before_unload: ...
#   after_unload: ...
#   on_evicted: ...
#   on_failed: ...

# Reusable launch templates. Macros: \${PORT} \${MODEL} \${ARGS} \${NAME} \${env.VAR}.
# Two exist even when they are not listed here: llama-server (below), and builtin, llama.cpp run by
# Loadout itself (node-llama-cpp in a child process; it takes llama-server's -c -ngl -t -np
# --embeddings). A model without backend or cmd uses llama-server when it is installed, else builtin.
backends:
#   llama-server:
#     cmd: llama-server --host 127.0.0.1 --port \${PORT} -m \${MODEL} --alias \${NAME} \${ARGS}
#     health: /health
#   localai-llama:                # a LocalAI gRPC backend binary (backend.proto)
#     cmd: /opt/localai/backends/llama-cpp/run.sh --addr 127.0.0.1:\${PORT}
#     protocol: grpc              # Loadout calls LoadModel and translates the OpenAI routes

# Your models. Remove the "# " in front of the example to try it:
models:
#   qwen3-8b:
#     backend: llama-server
#     model: ~/models/Qwen3-8B-Q4_K_M.gguf
#     args: -c 8192 -ngl 99
#     pinned: false               # pinned models are never evicted
#     concurrency_groups: [big]   # two loaded models never share a group
#     ttl: 30m                    # per-model idle timeout
#     aliases: [qwen]
`;

/** The platform's config file (CONTRACT §1); `$LOADOUT_CONFIG` wins everywhere. */
export function defaultConfigPath(env: Record<string, string | undefined>, platform: NodeJS.Platform, homeDir: string): string {
  if (env.LOADOUT_CONFIG) return env.LOADOUT_CONFIG;
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA ?? path.win32.join(homeDir, 'AppData', 'Roaming'), 'loadout', 'config.yaml');
  }
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', 'loadout', 'config.yaml');
  const xdg = env.XDG_CONFIG_HOME;
  return path.posix.join(xdg && path.isAbsolute(xdg) ? xdg : path.posix.join(homeDir, '.config'), 'loadout', 'config.yaml');
}

/**
 * Creates `file` with DEFAULT_CONFIG_TEXT unless it exists, and the JSON Schema its first line names
 * next to it; true when the config was created.
 */
export async function ensureConfigFile(file: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    // `wx` fails if the file exists, so a user's config is never overwritten, even in a race.
    await writeFile(file, DEFAULT_CONFIG_TEXT, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  await writeFile(schemaFileFor(file), configJsonSchemaText());
  return true;
}

export function schemaFileFor(configFile: string): string {
  return path.join(path.dirname(configFile), SCHEMA_FILE_NAME);
}

/**
 * Rewrites the schema file next to a config when one is there and differs from this version's schema,
 * so an editor's completion follows upgrades. A config without one is left alone.
 */
export async function refreshSchemaFile(configFile: string): Promise<void> {
  const file = schemaFileFor(configFile);
  let current: string;
  try {
    current = await readFile(file, 'utf8');
  } catch {
    return;
  }
  const text = configJsonSchemaText();
  if (current !== text) await writeFile(file, text);
}
