import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { GGMLFileQuantizationType, gguf } from '@huggingface/gguf';
import { num, type Metadata } from '../../../engine/gguf/gguf-header.js';

/** What Ollama's model listings say about a model's weights, read from its GGUF header. */
export interface ModelFileInfo {
  /** Bytes of the model file; 0 when the model has none (its own `cmd`). */
  size: number;
  modifiedAt: string;
  /** Identifies this config entry and file version (not a hash of gigabytes of weights). */
  digest: string;
  format: string;
  /** `general.architecture`, e.g. `llama`, `qwen3`; null without a readable GGUF header. */
  arch: string | null;
  /** `<arch>.context_length`: the context the model was trained for. */
  trainedContext: number | null;
  parameterCount: number | null;
  /** E.g. `Q4_K_M`. */
  quantization: string | null;
  /** `<arch>.pooling_type` is set for embedding models. */
  pooling: boolean;
}


/**
 * Reads (and remembers, per file version) what a model file says about itself. A missing file or one
 * that is not GGUF gives what is known without it; this never throws for a bad file.
 */
export class ModelFileInfoCache {
  /** One entry per model: its latest file version. */
  private readonly cache = new Map<string, { key: string; info: Promise<ModelFileInfo> }>();

  async get(name: string, modelFile: string | null, sourceFile: string): Promise<ModelFileInfo> {
    const fileStat = await statOrNull(modelFile);
    const at = fileStat ?? (await statOrNull(sourceFile));
    const key = `${name}\0${modelFile ?? ''}\0${fileStat?.size ?? 0}\0${at?.mtimeMs ?? 0}`;
    const hit = this.cache.get(name);
    if (hit?.key === key) return hit.info;
    const info = read(modelFile, fileStat, at?.mtimeMs ?? 0, key);
    this.cache.set(name, { key, info });
    return info;
  }
}

async function statOrNull(file: string | null): Promise<{ size: number; mtimeMs: number } | null> {
  if (!file) return null;
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null;
  }
}

async function read(modelFile: string | null, fileStat: { size: number } | null, mtimeMs: number, key: string): Promise<ModelFileInfo> {
  const info: ModelFileInfo = {
    size: fileStat?.size ?? 0,
    modifiedAt: new Date(mtimeMs).toISOString(),
    digest: createHash('sha256').update(key).digest('hex'),
    format: '',
    arch: null,
    trainedContext: null,
    parameterCount: null,
    quantization: null,
    pooling: false,
  };
  if (!modelFile || !fileStat) return info;
  try {
    const parsed = await gguf(modelFile, { allowLocalFile: true, computeParametersCount: true });
    const md = parsed.metadata as unknown as Metadata;
    const arch = typeof md['general.architecture'] === 'string' ? md['general.architecture'] : null;
    const fileType = num(md, 'general.file_type');
    return {
      ...info,
      format: 'gguf',
      arch,
      trainedContext: arch ? num(md, `${arch}.context_length`) : null,
      parameterCount: num(md, 'general.parameter_count') ?? (parsed.parameterCount || null),
      quantization: fileType === null ? null : (GGMLFileQuantizationType[fileType] ?? null),
      pooling: arch !== null && md[`${arch}.pooling_type`] !== undefined,
    };
  } catch {
    return info; // not GGUF (or unreadable): listed without details
  }
}

/** Ollama's spelling of a parameter count: `8.0B`, `494.0M`. */
export function parameterSize(n: number | null): string {
  if (!n) return '';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
