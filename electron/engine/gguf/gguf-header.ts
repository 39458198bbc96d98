import { open, stat } from 'node:fs/promises';
import { gguf, GGMLFileQuantizationType, parseGGUFQuantLabel } from '@huggingface/gguf';
import { tensorBytes } from './ggml-type-size.js';

/** What a GGUF header says about a model, for discovery, the dashboard and pre-start checks. */
export interface GgufHeader {
  file: string;
  sizeBytes: number;
  /** `general.architecture`, e.g. `llama`, `qwen3`, `clip` (a projector). */
  architecture: string | null;
  /** `general.name`, e.g. `Qwen3 8B`. */
  name: string | null;
  /** Elements in all tensors of this file. */
  parameterCount: number;
  /** e.g. `Q4_K_M`, from `general.file_type`, else from the file name. */
  quantization: string | null;
  /** `<arch>.context_length`: the context the model was trained for. */
  contextLength: number | null;
  /** Shards this model is split into (`split.count`), 1 when whole. */
  splitCount: number;
}

export type GgufProblemCode = 'missing' | 'not_gguf' | 'truncated' | 'unreadable';

export type GgufInspection = { ok: true; header: GgufHeader } | { ok: false; code: GgufProblemCode; message: string };

const MAGIC = 'GGUF';

export type Metadata = Record<string, unknown>;

/** A numeric metadata value (GGUF stores 64-bit ones as bigint), or null. */
export function num(md: Metadata, key: string): number | null {
  const v = md[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

function str(md: Metadata, key: string): string | null {
  const v = md[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * Reads `file`'s GGUF header and says what is wrong with it, if anything: missing, not GGUF (wrong
 * magic), truncated (a header that ends early, or tensor data shorter than its tensors need).
 * Reads only the header, never the weights.
 */
export async function inspectGguf(file: string): Promise<GgufInspection> {
  let size: number;
  let magic: string;
  try {
    const st = await stat(file);
    if (!st.isFile()) return { ok: false, code: 'unreadable', message: `${file} is not a file` };
    size = st.size;
    magic = await readMagic(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, code: 'missing', message: `model file not found: ${file}` };
    return { ok: false, code: 'unreadable', message: `cannot read ${file}: ${code ?? String(e)}` };
  }
  if (magic !== MAGIC) return { ok: false, code: 'not_gguf', message: `${file} is not a GGUF file (it does not start with "GGUF")` };

  let parsed: Awaited<ReturnType<typeof gguf>> & { parameterCount: number };
  try {
    parsed = await gguf(file, { allowLocalFile: true, computeParametersCount: true });
  } catch (e) {
    return { ok: false, code: 'truncated', message: `${file} is truncated or damaged: its GGUF header cannot be read (${(e as Error).message})` };
  }
  const md = parsed.metadata as unknown as Metadata;
  const dataStart = Number(parsed.tensorDataOffset);
  let needed = dataStart;
  for (const t of parsed.tensorInfos) {
    const end = dataStart + Number(t.offset) + (tensorBytes(t.dtype, t.shape) ?? 0);
    if (end > needed) needed = end;
  }
  if (needed > size) {
    return { ok: false, code: 'truncated', message: `${file} is truncated: its tensors need ${needed} bytes, the file has ${size} (an interrupted download?)` };
  }
  const architecture = str(md, 'general.architecture');
  const fileType = num(md, 'general.file_type');
  return {
    ok: true,
    header: {
      file,
      sizeBytes: size,
      architecture,
      name: str(md, 'general.name'),
      parameterCount: parsed.parameterCount,
      quantization: (fileType !== null ? GGMLFileQuantizationType[fileType] : undefined) ?? parseGGUFQuantLabel(file) ?? null,
      contextLength: architecture ? num(md, `${architecture}.context_length`) : null,
      splitCount: num(md, 'split.count') ?? 1,
    },
  };
}

async function readMagic(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
}
