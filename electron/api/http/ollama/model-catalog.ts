import type { ModelView } from '../../../../shared/model-view.js';
import { splitCommandLine } from '../../../engine/backends/command-line.js';
import type { ModelConfig } from '../../../engine/config/types.js';
import { parameterSize, type ModelFileInfo } from './model-file-info.js';

// Ollama's listing shapes (api/types.go: ListModelResponse, ProcessModelResponse, ShowResponse) built
// from a model's config, view and file. Pure.

type Json = Record<string, unknown>;

/** Ollama's "forever" (keep_alive < 0) also lies centuries ahead; clients read it as "never expires". */
export const FOREVER = '2318-01-01T00:00:00.000Z';

/** The words of a model's command line and args, for the flags that say what it can do. */
function argv(c: ModelConfig): string[] {
  try {
    return [...splitCommandLine(c.cmd), ...splitCommandLine(c.args)];
  } catch {
    return [];
  }
}

/** A flag's value (`-c 8192`, `--ctx-size=8192`), the last one winning as in llama-server. */
function flagValue(words: string[], names: readonly string[]): string | null {
  let found: string | null = null;
  words.forEach((w, i) => {
    for (const n of names) {
      if (w === n) found = words[i + 1] ?? null;
      else if (n.startsWith('--') && w.startsWith(`${n}=`)) found = w.slice(n.length + 1);
    }
  });
  return found;
}

/** llama-server flags that have an Ollama parameter of the same meaning. */
const PARAMETER_FLAGS: [string, readonly string[]][] = [
  ['num_gpu', ['-ngl', '--n-gpu-layers', '--gpu-layers']],
  ['num_batch', ['-b', '--batch-size']],
  ['num_thread', ['-t', '--threads']],
  ['num_predict', ['-n', '--n-predict', '--predict']],
  ['temperature', ['--temp', '--temperature']],
  ['top_k', ['--top-k']],
  ['top_p', ['--top-p']],
  ['min_p', ['--min-p']],
  ['repeat_penalty', ['--repeat-penalty']],
  ['repeat_last_n', ['--repeat-last-n']],
  ['seed', ['-s', '--seed']],
];

/** The context a loaded model runs with: its configured size, else what the model was trained for. */
export function contextLength(c: ModelConfig, file: ModelFileInfo): number {
  return c.contextSize ?? file.trainedContext ?? 0;
}

/** Ollama's `parameters` text: one `name value` line each, `num_ctx` first. */
export function parametersText(c: ModelConfig, file: ModelFileInfo): string {
  const words = argv(c);
  const lines: string[] = [];
  const ctx = contextLength(c, file);
  if (ctx > 0) lines.push(`num_ctx ${ctx}`);
  for (const [name, flags] of PARAMETER_FLAGS) {
    const v = flagValue(words, flags);
    if (v !== null && /^-?\d+(\.\d+)?$/.test(v)) lines.push(`${name} ${v}`);
  }
  for (const stop of words.flatMap((w, i) => (w === '-r' || w === '--reverse-prompt' ? [words[i + 1] ?? ''] : [])).filter(Boolean)) {
    lines.push(`stop ${JSON.stringify(stop)}`);
  }
  return lines.join('\n');
}

/**
 * Ollama's capabilities from what the model is started with: `embeddings` / `--embedding(s)` or a
 * pooling GGUF serves embeddings, a projector (`mmproj` / `--mmproj`) adds vision, `--jinja`
 * (llama-server's tool-call templates) adds tools.
 */
export function capabilities(c: ModelConfig, file: ModelFileInfo): string[] {
  const words = argv(c);
  const has = (...flags: string[]) => words.some((w) => flags.some((f) => w === f || w.startsWith(`${f}=`)));
  if (c.embeddings || has('--embedding', '--embeddings') || file.pooling) return ['embedding'];
  const out = ['completion'];
  if (has('--jinja')) out.push('tools');
  if (c.mmproj || has('--mmproj', '-mm', '--mmproj-url', '-mmu')) out.push('vision');
  return out;
}

export function details(file: ModelFileInfo): Json {
  return {
    parent_model: '',
    format: file.format,
    family: file.arch ?? '',
    families: file.arch ? [file.arch] : null,
    parameter_size: parameterSize(file.parameterCount),
    quantization_level: file.quantization ?? '',
  };
}

/** One `/api/tags` entry. */
export function tagEntry(c: ModelConfig, file: ModelFileInfo, id: string = c.name): Json {
  return { name: id, model: id, modified_at: file.modifiedAt, size: file.size, digest: file.digest, details: details(file), capabilities: capabilities(c, file) };
}

/**
 * When a loaded model will be unloaded, as `/api/ps` says it: its idle deadline; for a busy or starting
 * model, the idle time counted from now; FOREVER for pinned models and when nothing unloads it.
 */
export function expiresAt(view: ModelView, idleTimeoutMs: number, now: number): string {
  if (view.pinned || idleTimeoutMs <= 0) return FOREVER;
  return view.idle_deadline ?? new Date(now + idleTimeoutMs).toISOString();
}

/** One `/api/ps` entry: `size` is the measured memory (GPU, else RSS, else the estimate); `size_vram` the GPU part. */
export function psEntry(c: ModelConfig, view: ModelView, file: ModelFileInfo, o: { idleTimeoutMs: number; now: number; onGpu: boolean }): Json {
  const memory = view.vram_bytes ?? view.ram_bytes ?? view.vram_estimate_bytes ?? file.size;
  return {
    name: c.name,
    model: c.name,
    size: memory,
    digest: file.digest,
    details: details(file),
    expires_at: expiresAt(view, o.idleTimeoutMs, o.now),
    size_vram: o.onGpu ? (view.vram_bytes ?? 0) : 0,
    context_length: contextLength(c, file),
  };
}

/** `/api/show`. The backend applies the model's own chat template, so the template shown is Ollama's plain prompt. */
export function showResponse(c: ModelConfig, file: ModelFileInfo): Json {
  const arch = file.arch ?? 'unknown';
  const modelInfo: Json = { 'general.architecture': arch, [`${arch}.context_length`]: file.trainedContext ?? contextLength(c, file) };
  if (file.parameterCount) modelInfo['general.parameter_count'] = file.parameterCount;
  return {
    license: '',
    modelfile: `# Served by Loadout\nFROM ${c.model ?? c.name}\n${parametersText(c, file)
      .split('\n')
      .filter(Boolean)
      .map((l) => `PARAMETER ${l}`)
      .join('\n')}\n`,
    parameters: parametersText(c, file),
    template: '{{ .Prompt }}',
    system: '',
    details: details(file),
    model_info: modelInfo,
    capabilities: capabilities(c, file),
    modified_at: file.modifiedAt,
  };
}
