/**
 * The llama.cpp options a model's `args` carry, in llama-server's own spelling, so one config works
 * for `llama-server`, the built-in backend (which takes the same flags) and LocalAI gRPC backends
 * (which get them as `LoadModel` fields).
 */
export interface LlamaOptions {
  contextSize: number | null;
  gpuLayers: number | null;
  threads: number | null;
  /** Parallel slots (`-np`): requests served at once. */
  parallel: number | null;
  batchSize: number | null;
  embeddings: boolean;
  mmproj: string | null;
  mlock: boolean;
  noMmap: boolean;
  /** `--alias`: the name answers carry. */
  alias: string | null;
  /** `key:value` words: LocalAI backend options, passed to `LoadModel` as `Options`. */
  options: string[];
}

export type LlamaArgsResult = { ok: true; options: LlamaOptions } | { ok: false; error: string };

type IntKey = 'contextSize' | 'gpuLayers' | 'threads' | 'parallel' | 'batchSize';
const INT_FLAGS: Record<string, IntKey> = {
  '-c': 'contextSize',
  '--ctx-size': 'contextSize',
  '-ngl': 'gpuLayers',
  '--gpu-layers': 'gpuLayers',
  '--n-gpu-layers': 'gpuLayers',
  '-t': 'threads',
  '--threads': 'threads',
  '-np': 'parallel',
  '--parallel': 'parallel',
  '-b': 'batchSize',
  '--batch-size': 'batchSize',
};
const STRING_FLAGS: Record<string, 'mmproj' | 'alias'> = { '--mmproj': 'mmproj', '-mm': 'mmproj', '--alias': 'alias', '-a': 'alias' };
const SWITCHES: Record<string, 'embeddings' | 'mlock' | 'noMmap'> = { '--embedding': 'embeddings', '--embeddings': 'embeddings', '--mlock': 'mlock', '--no-mmap': 'noMmap' };

/**
 * Reads llama-server-style arguments (`-c 4096 -ngl 99 -t 8 -np 4 --embeddings --mmproj F`,
 * `--flag=value` too). Anything else is an error naming the argument: a typo must not be ignored.
 */
export function parseLlamaArgs(argv: readonly string[]): LlamaArgsResult {
  const o: LlamaOptions = {
    contextSize: null, gpuLayers: null, threads: null, parallel: null, batchSize: null,
    embeddings: false, mmproj: null, mlock: false, noMmap: false, alias: null, options: [],
  };
  for (let i = 0; i < argv.length; i++) {
    // `-c4096` is llama-server's short form of `-c 4096`.
    const word = (argv[i] as string).replace(/^-c(\d+)$/, '-c=$1');
    const eq = word.startsWith('-') ? word.indexOf('=') : -1;
    const flag = eq > 0 ? word.slice(0, eq) : word;
    const value = (): string | null => (eq > 0 ? word.slice(eq + 1) : (argv[++i] ?? null));
    if (flag in INT_FLAGS) {
      const key = INT_FLAGS[flag] as IntKey;
      const v = value();
      // llama-server takes -ngl all / auto / -1 for "every layer that fits"; -1 here.
      const n = key === 'gpuLayers' && (v === 'all' || v === 'auto') ? -1 : v !== null && /^-?\d+$/.test(v) ? Number(v) : NaN;
      const min = key === 'gpuLayers' ? -1 : key === 'contextSize' || key === 'threads' ? 0 : 1;
      if (Number.isNaN(n) || n < min) return { ok: false, error: `${flag}: expected a whole number${min > 0 ? ' above 0' : ''}, got ${v === null ? 'nothing' : `"${v}"`}` };
      o[key] = n;
    } else if (flag in STRING_FLAGS) {
      const v = value();
      if (!v) return { ok: false, error: `${flag}: expected a value` };
      o[STRING_FLAGS[flag] as 'mmproj'] = v;
    } else if (flag in SWITCHES && eq < 0) {
      o[SWITCHES[flag] as 'embeddings'] = true;
    } else if (/^[A-Za-z_][\w.-]*:/.test(word)) {
      o.options.push(word);
    } else {
      return { ok: false, error: `unknown argument "${word}"` };
    }
  }
  return { ok: true, options: o };
}
