// The keys of a llama-swap config.yaml (mostlygeek/llama-swap proxy/config, docs/config.example.yaml):
// which ones Loadout honours, and which mark a file as llama-swap's rather than Loadout's own.

/** Top-level keys Loadout translates. */
export const HONOURED_TOP = new Set([
  'models', 'healthCheckTimeout', 'globalTTL', 'unloadTimeout', 'startPort', 'macros', 'hooks', 'groups', 'routing',
  'apiKeys', 'includeAliasesInList', 'sendLoadingState', 'globalConcurrencyLimit',
]);

/** Per-model keys Loadout translates. */
export const HONOURED_MODEL = new Set([
  'cmd', 'cmdStop', 'proxy', 'checkEndpoint', 'ttl', 'unloadTimeout', 'env', 'aliases', 'useModelName', 'unlisted',
  'name', 'description', 'concurrencyLimit', 'filters', 'macros', 'sendLoadingState',
]);

/** Loadout's own keys a llama-swap file may also carry (pinning and settings are written back into it). */
export const LOADOUT_TOP = new Set(['listen', 'state_dir', 'api_key', 'watchdog']);
export const LOADOUT_MODEL = new Set(['pinned', 'vram', 'preload']);

/** Keys only llama-swap uses: any of them makes a file a llama-swap config. */
const LLAMA_SWAP_TOP = new Set([
  ...HONOURED_TOP, 'logLevel', 'logTimeFormat', 'logToStdout', 'logRequests', 'metricsMaxInMemory', 'captureBuffer',
  'profiles', 'matrix', 'peers', 'policies', 'performance', 'store', 'ui', 'upstream', 'selectors', 'tailcat',
]);
const LLAMA_SWAP_MODEL = new Set([...HONOURED_MODEL, 'metadata', 'capabilities', 'timeouts', 'compat', 'healthCheckTimeout']);
const SHARED_TOP = new Set(['models', 'hooks']);
// Loadout spells these the same way (with the same meaning), so they tell nothing.
const SHARED_MODEL = new Set(['cmd', 'env', 'aliases', 'unlisted', 'ttl', 'proxy', 'description', 'filters']);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a parsed config file is written for llama-swap. Loadout's own schema rejects every key
 * tested here, so a valid Loadout config is never taken for a llama-swap one.
 */
export function isLlamaSwapConfig(value: unknown): boolean {
  if (!isMap(value)) return false;
  for (const key of Object.keys(value)) if (LLAMA_SWAP_TOP.has(key) && !SHARED_TOP.has(key)) return true;
  if (isMap(value.hooks) && 'on_startup' in value.hooks) return true;
  if (!isMap(value.models)) return false;
  for (const m of Object.values(value.models)) {
    if (!isMap(m)) continue;
    if (Array.isArray(m.env)) return true;
    for (const key of Object.keys(m)) if (LLAMA_SWAP_MODEL.has(key) && !SHARED_MODEL.has(key)) return true;
  }
  return false;
}
