// llama-server's argument names as a preset may write them (llama.cpp common/arg.cpp): short names
// take one dash on the command line, long names two; `LLAMA_ARG_CTX_SIZE` is `ctx-size`.

/** Short names of llama-server arguments (written `-c`, `-ngl`, …). */
export const SHORT_NAMES = new Set([
  'a', 'b', 'c', 'C', 'Cr', 'cb', 'cd', 'cmoe', 'cmoed', 'ctk', 'ctkd', 'ctv', 'ctvd', 'dev', 'devd', 'dr', 'dt', 'fa', 'hf', 'hfd',
  'hff', 'hfr', 'hft', 'hfv', 'hffv', 'j', 'jf', 'kvu', 'lcd', 'lcs', 'lv', 'm', 'md', 'mg', 'mu', 'mmu', 'n', 'ncmoe', 'ncmoed', 'ngl',
  'ngld', 'nkvo', 'nocb', 'np', 'ot', 'otd', 'r', 's', 'sm', 'sps', 't', 'tb', 'tbd', 'td', 'to', 'ts', 'ub', 'v',
]);

/** Long names with a short twin, so `[*] c = …` and `ctx-size = …` in a section are one setting. */
const SHORT_FOR: Record<string, string> = {
  alias: 'a', 'batch-size': 'b', 'ubatch-size': 'ub', 'ctx-size': 'c', 'ctx-size-draft': 'cd', 'cache-type-k': 'ctk',
  'cache-type-v': 'ctv', 'cont-batching': 'cb', 'no-cont-batching': 'nocb', 'cpu-mask': 'C', 'cpu-range': 'Cr', device: 'dev',
  'docker-repo': 'dr', 'defrag-thold': 'dt', 'flash-attn': 'fa', 'hf-repo': 'hf', hfr: 'hf', 'hf-file': 'hff', 'hf-token': 'hft',
  'json-schema': 'j', 'json-schema-file': 'jf', 'kv-unified': 'kvu', model: 'm', 'model-draft': 'md', 'main-gpu': 'mg',
  'model-url': 'mu', 'n-predict': 'n', predict: 'n', 'n-gpu-layers': 'ngl', 'gpu-layers': 'ngl', 'n-gpu-layers-draft': 'ngld',
  'no-kv-offload': 'nkvo', parallel: 'np', 'override-tensor': 'ot', 'reverse-prompt': 'r', seed: 's', 'split-mode': 'sm',
  threads: 't', 'threads-batch': 'tb', timeout: 'to', 'tensor-split': 'ts', verbose: 'v', verbosity: 'lv',
};

/** Keys that name where the model comes from (after normalizeKey); a model section needs one. */
export const MODEL_FILE_KEYS = new Set(['m']);
export const MODEL_SOURCE_KEYS = new Set(['m', 'hf', 'mu', 'dr']);

/** Keys only presets use (not llama-server arguments), and router flags that map onto Loadout settings. */
export const PRESET_ONLY = new Set(['load-on-startup', 'stop-timeout', 'a', 'tags', 'dedup-cache-models', 'version']);
/** Set by Loadout for every start. */
export const ASSIGNED = new Set(['host', 'port']);

/** `--ctx-size`, `-c`, `LLAMA_ARG_CTX_SIZE` → `ctx-size` / `c`. */
export function normalizeKey(key: string): string {
  const env = /^LLAMA_ARG_(.+)$/.exec(key);
  const name = env ? env[1]!.toLowerCase().replaceAll('_', '-') : key.replace(/^-+/, '');
  return SHORT_FOR[name] ?? name;
}

/** The flag as llama-server spells it on its command line. */
export function flagFor(key: string): string {
  return SHORT_NAMES.has(key) ? `-${key}` : `--${key}`;
}
