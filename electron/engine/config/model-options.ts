import type { ModelConfig } from './types.js';

/** The runtime options a model may set (main config or LocalAI file), resolved. */
export type ModelOptions = Pick<ModelConfig, 'mmproj' | 'embeddings' | 'threads' | 'parallel' | 'gpuLayers' | 'f16'>;

/** The config key of each option, for warnings. */
export const OPTION_KEYS: Record<keyof ModelOptions, string> = {
  mmproj: 'mmproj', embeddings: 'embeddings', threads: 'threads', parallel: 'parallel', gpuLayers: 'gpu_layers', f16: 'f16',
};

/** The options that are set (for "ignored" warnings). */
export function setOptions(o: ModelOptions): (keyof ModelOptions)[] {
  return (Object.keys(OPTION_KEYS) as (keyof ModelOptions)[]).filter((k) => o[k] !== undefined && o[k] !== null && o[k] !== false);
}

/**
 * The llama-server arguments for `o`: `-ngl`, `-t`, `-np`, `--embeddings`, `--mmproj`; `f16: false`
 * asks for an f32 KV cache (f16 is llama-server's default, so `f16: true` adds nothing).
 */
export function llamaServerArgs(o: ModelOptions): string[] {
  const out: string[] = [];
  if (o.gpuLayers != null) out.push('-ngl', String(o.gpuLayers));
  if (o.threads != null) out.push('-t', String(o.threads));
  if (o.parallel != null) out.push('-np', String(o.parallel));
  if (o.embeddings) out.push('--embeddings');
  if (o.mmproj) out.push('--mmproj', o.mmproj);
  if (o.f16 === false) out.push('--cache-type-k', 'f32', '--cache-type-v', 'f32');
  return out;
}
