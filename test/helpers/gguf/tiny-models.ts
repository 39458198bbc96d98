/**
 * Tiny llama-architecture GGUF models, generated in test setup (no binary fixtures in the repository):
 * F32 weights from a seeded generator, a ChatML chat template, and either a SentencePiece vocabulary
 * with byte fallback or a GPT-2 byte-level BPE one with merges. llama.cpp and node-llama-cpp load them
 * and generate (gibberish) text; the same seed gives the same bytes, so temperature 0 is deterministic.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../seeded-random.js';
import { encodeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';

export interface TinyModelSpec {
  file: string;
  embd: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ff: number;
  contextLength: number;
  tokenizer: 'spm' | 'gpt2';
}

/** Shapes chosen so that each file stays under 4 MB and head dim is 32. */
export const TINY_MODELS = {
  tinySpm: { file: 'tiny-spm.gguf', embd: 64, layers: 2, heads: 2, kvHeads: 2, ff: 128, contextLength: 2048, tokenizer: 'spm' },
  smallSpm: { file: 'small-spm.gguf', embd: 128, layers: 4, heads: 4, kvHeads: 2, ff: 384, contextLength: 4096, tokenizer: 'spm' },
  tinyGpt2: { file: 'tiny-gpt2.gguf', embd: 64, layers: 2, heads: 2, kvHeads: 2, ff: 128, contextLength: 2048, tokenizer: 'gpt2' },
} as const satisfies Record<string, TinyModelSpec>;

const CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = (
  'the a an and or but if of to in on at by for with from as is are was were be been it this that these those ' +
  'i you he she we they me him her us them my your his its our their what which who when where why how all any ' +
  'both each few more most other some such no not only own same so than too very can will just should now model ' +
  'load unload pin tray server token text chat hello world time day year way thing man woman child life hand part ' +
  'place case week work point number group problem fact good new first last long great little old big high small ' +
  'large next early young important public bad able say get make go know take see come think look want give use ' +
  'find tell ask seem feel try leave call keep let begin help show hear play run move live believe hold bring ' +
  'write provide sit stand lose pay meet include continue set learn change lead understand watch follow stop ' +
  'create speak read allow add spend grow open walk win offer remember love consider appear buy wait serve die ' +
  'send expect build stay fall cut reach kill remain suggest raise pass sell require report decide pull'
).split(' ');

/** 5 control tokens + 256 byte tokens + word pieces, 622 in all (the size the estimate tests assume). */
const SPM_VOCAB = 622;

function spmVocab(): Record<string, GgufValue> {
  const tokens = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'];
  const types = [2, 3, 3, 3, 3]; // unknown, control ×4
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6); // byte
  }
  const pieces = ['▁', ...WORDS.flatMap((w) => [`▁${w}`, w])];
  for (const p of pieces) {
    if (tokens.length === SPM_VOCAB) break;
    if (tokens.includes(p)) continue;
    tokens.push(p);
    types.push(1); // normal
  }
  if (tokens.length !== SPM_VOCAB) throw new Error(`SPM vocabulary has ${tokens.length} tokens, want ${SPM_VOCAB}`);
  const scores = tokens.map((_, i) => (types[i] === 1 ? -i : 0));
  return {
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'strings', value: tokens },
    'tokenizer.ggml.scores': { type: 'float32s', value: scores },
    'tokenizer.ggml.token_type': { type: 'int32s', value: types },
    'tokenizer.ggml.bos_token_id': { type: 'uint32', value: 1 },
    'tokenizer.ggml.eos_token_id': { type: 'uint32', value: 2 },
    'tokenizer.ggml.unknown_token_id': { type: 'uint32', value: 0 },
    'tokenizer.ggml.padding_token_id': { type: 'uint32', value: 0 },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
  };
}

/** GPT-2's printable stand-ins for the 256 byte values (bytes_to_unicode). */
function byteChars(): string[] {
  const direct = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(direct(b) ? b : 256 + extra++));
  return out;
}

function gpt2Vocab(): Record<string, GgufValue> {
  const tokens = byteChars();
  const merges: string[] = [];
  // Each word, with and without the leading-space marker, is built by merging left to right.
  for (const w of WORDS.flatMap((x) => [`Ġ${x}`, x])) {
    let left = w[0]!;
    for (const ch of w.slice(1)) {
      const merged = left + ch;
      if (!tokens.includes(merged)) {
        merges.push(`${left} ${ch}`);
        tokens.push(merged);
      }
      left = merged;
    }
  }
  const types = tokens.map(() => 1);
  const eos = tokens.length;
  tokens.push('<|endoftext|>', '<|im_start|>', '<|im_end|>');
  types.push(3, 3, 3);
  return {
    'tokenizer.ggml.model': { type: 'string', value: 'gpt2' },
    'tokenizer.ggml.pre': { type: 'string', value: 'default' },
    'tokenizer.ggml.tokens': { type: 'strings', value: tokens },
    'tokenizer.ggml.token_type': { type: 'int32s', value: types },
    'tokenizer.ggml.merges': { type: 'strings', value: merges },
    'tokenizer.ggml.bos_token_id': { type: 'uint32', value: eos },
    'tokenizer.ggml.eos_token_id': { type: 'uint32', value: eos },
    'tokenizer.ggml.padding_token_id': { type: 'uint32', value: eos },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: false },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
  };
}

/** Parameters of a spec: what its weights take in F32 is 4 bytes each. */
export function paramCount(spec: TinyModelSpec, vocab: number): number {
  const kv = (spec.embd / spec.heads) * spec.kvHeads;
  const layer = 2 * spec.embd + 2 * spec.embd * spec.embd + 2 * spec.embd * kv + 3 * spec.embd * spec.ff;
  return 2 * vocab * spec.embd + spec.embd + spec.layers * layer;
}

export function encodeTinyModel(spec: TinyModelSpec, seed = 42): Buffer {
  const vocab = spec.tokenizer === 'spm' ? spmVocab() : gpt2Vocab();
  const nVocab = (vocab['tokenizer.ggml.tokens'] as { value: string[] }).value.length;
  const headDim = spec.embd / spec.heads;
  const kv = headDim * spec.kvHeads;
  const rand = seededRandom(seed);
  const random = (dims: number[]): Float32Array => Float32Array.from({ length: dims[0]! * (dims[1] ?? 1) }, () => (rand() * 2 - 1) * 0.08);
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [{ name: 'token_embd.weight', dims: [spec.embd, nVocab], data: random([spec.embd, nVocab]) }];
  for (let i = 0; i < spec.layers; i++) {
    const blk = (name: string, dims: number[], data = random(dims)): void => void tensors.push({ name: `blk.${i}.${name}.weight`, dims, data });
    blk('attn_norm', [spec.embd], ones(spec.embd));
    blk('attn_q', [spec.embd, spec.embd]);
    blk('attn_k', [spec.embd, kv]);
    blk('attn_v', [spec.embd, kv]);
    blk('attn_output', [spec.embd, spec.embd]);
    blk('ffn_norm', [spec.embd], ones(spec.embd));
    blk('ffn_gate', [spec.embd, spec.ff]);
    blk('ffn_up', [spec.embd, spec.ff]);
    blk('ffn_down', [spec.ff, spec.embd]);
  }
  tensors.push({ name: 'output_norm.weight', dims: [spec.embd], data: ones(spec.embd) });
  tensors.push({ name: 'output.weight', dims: [spec.embd, nVocab], data: random([spec.embd, nVocab]) });

  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  return encodeGguf(
    {
      'general.architecture': { type: 'string', value: 'llama' },
      'general.name': { type: 'string', value: spec.file.replace(/\.gguf$/, '') },
      'general.file_type': u32(0), // all F32
      'llama.context_length': u32(spec.contextLength),
      'llama.embedding_length': u32(spec.embd),
      'llama.block_count': u32(spec.layers),
      'llama.feed_forward_length': u32(spec.ff),
      'llama.attention.head_count': u32(spec.heads),
      'llama.attention.head_count_kv': u32(spec.kvHeads),
      'llama.rope.dimension_count': u32(headDim),
      'llama.rope.freq_base': { type: 'float32', value: 10000 },
      'llama.attention.layer_norm_rms_epsilon': { type: 'float32', value: 1e-5 },
      'llama.vocab_size': u32(nVocab),
      ...vocab,
      'tokenizer.chat_template': { type: 'string', value: CHAT_TEMPLATE },
    },
    tensors,
  );
}

/**
 * Writes the three tiny models into `dir` (created if needed) and returns their paths. Each file is
 * written under a temporary name and renamed, so a concurrent reader never sees half a model.
 */
export function writeTinyModels(dir: string): Record<keyof typeof TINY_MODELS, string> {
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<keyof typeof TINY_MODELS, string>;
  for (const [key, spec] of Object.entries(TINY_MODELS) as [keyof typeof TINY_MODELS, TinyModelSpec][]) {
    const file = join(dir, spec.file);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, encodeTinyModel(spec));
    renameSync(tmp, file);
    out[key] = file;
  }
  return out;
}
