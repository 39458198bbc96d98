import { stat } from 'node:fs/promises';
import { gguf } from '@huggingface/gguf';
import { num, type Metadata } from '../gguf/gguf-header.js';
import { shardFiles } from '../gguf/gguf-shards.js';

export interface GgufEstimate {
  weightsBytes: number;
  kvBytes: number;
  totalBytes: number;
}

/** Without a context size, llama-server uses the model's; we cap it so an estimate for a 128k model stays realistic. */
const DEFAULT_CTX_CAP = 4096;
/** llama-server's default micro-batch; the compute buffer scales with it. */
const UBATCH = 512;
const F16 = 2;
const F32 = 4;


/** head_count_kv is a per-layer array in some models (e.g. with sliding-window layers); sum it. */
function kvHeadsTimesLayers(md: Metadata, arch: string, nLayer: number, nHead: number): number {
  const v = md[`${arch}.attention.head_count_kv`];
  if (Array.isArray(v)) return v.reduce<number>((sum, h) => sum + Number(h), 0);
  return nLayer * (num(md, `${arch}.attention.head_count_kv`) ?? nHead);
}

/**
 * Estimates the memory a GGUF model takes once loaded: weights (the tensor data region of the file)
 * + an f16 KV cache of `2 · n_layer · n_ctx · head_dim · n_head_kv` elements + a compute buffer of
 * one micro-batch of logits and activations (`ubatch · (n_vocab + 4 · n_embd)` f32 — close to what
 * llama.cpp reports, e.g. ~280 MiB for an 8B Llama 3). Used before a load, when nothing is measured
 * yet. Null when the file is missing or not GGUF. Shape keys missing → KV and compute are 0.
 */
export async function estimateGgufBytes(file: string, contextSize: number | null): Promise<GgufEstimate | null> {
  let size: number;
  let md: Metadata;
  let dataOffset: number;
  try {
    size = (await stat(file)).size;
    const parsed = await gguf(file, { allowLocalFile: true });
    md = parsed.metadata as unknown as Metadata;
    dataOffset = Number(parsed.tensorDataOffset);
  } catch {
    return null;
  }
  // Tensor data runs from the data offset to the end of the file (padding included): exact
  // for any quantization without a per-type size table.
  // A split model's other shards are (almost) all tensor data too.
  let weightsBytes = Math.max(0, size - dataOffset);
  for (const shard of shardFiles(file).slice(1)) weightsBytes += await stat(shard).then((s) => s.size, () => 0);
  const arch = typeof md['general.architecture'] === 'string' ? md['general.architecture'] : '';
  const nLayer = num(md, `${arch}.block_count`);
  const nEmbd = num(md, `${arch}.embedding_length`);
  const nHead = num(md, `${arch}.attention.head_count`);
  if (!arch || !nLayer || !nEmbd || !nHead) return { weightsBytes, kvBytes: 0, totalBytes: weightsBytes };

  const trained = num(md, `${arch}.context_length`);
  const nCtx = contextSize ?? Math.min(trained ?? DEFAULT_CTX_CAP, DEFAULT_CTX_CAP);
  // Models whose head size is not n_embd / n_head (Gemma, Qwen3) declare key/value lengths.
  const keyLen = num(md, `${arch}.attention.key_length`) ?? nEmbd / nHead;
  const valueLen = num(md, `${arch}.attention.value_length`) ?? nEmbd / nHead;
  const kvBytes = Math.round(kvHeadsTimesLayers(md, arch, nLayer, nHead) * nCtx * (keyLen + valueLen) * F16);

  const tokens = md['tokenizer.ggml.tokens'];
  const nVocab = num(md, `${arch}.vocab_size`) ?? (Array.isArray(tokens) ? tokens.length : 0);
  const computeBytes = UBATCH * (nVocab + 4 * nEmbd) * F32;
  return { weightsBytes, kvBytes, totalBytes: weightsBytes + kvBytes + computeBytes };
}
