import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// A minimal GGUF (v3) writer for tests: real headers, real tensor infos, zeroed F32 tensor data.
// Enough for the header reader, discovery and the pre-start checks; no model can run from it.

export type GgufValue = string | number | bigint | boolean | string[];

export interface GgufSpec {
  metadata: Record<string, GgufValue>;
  /** F32 tensors; their data is zeros. */
  tensors?: { name: string; shape: number[] }[];
  /** Cut the file to this many bytes (a truncated download). */
  truncateTo?: number;
}

const ALIGN = 32;
const T = { UINT32: 4, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10 } as const;

class Bytes {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  u64(n: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  value(v: GgufValue): void {
    if (typeof v === 'string') {
      this.u32(T.STRING);
      this.str(v);
    } else if (typeof v === 'boolean') {
      this.u32(T.BOOL);
      this.push(Buffer.from([v ? 1 : 0]));
    } else if (typeof v === 'bigint') {
      this.u32(T.UINT64);
      this.u64(v);
    } else if (Array.isArray(v)) {
      this.u32(T.ARRAY);
      this.u32(T.STRING);
      this.u64(v.length);
      for (const s of v) this.str(s);
    } else if (Number.isInteger(v) && v >= 0) {
      this.u32(T.UINT32);
      this.u32(v);
    } else {
      this.u32(T.FLOAT32);
      const b = Buffer.alloc(4);
      b.writeFloatLE(v);
      this.push(b);
    }
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The bytes of a GGUF file for `spec`. */
export function ggufBytes(spec: GgufSpec): Buffer {
  const tensors = spec.tensors ?? [{ name: 'token_embd.weight', shape: [8, 4] }];
  const out = new Bytes();
  out.push(Buffer.from('GGUF', 'latin1'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(Object.keys(spec.metadata).length);
  for (const [k, v] of Object.entries(spec.metadata)) {
    out.str(k);
    out.value(v);
  }
  let offset = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    out.str(t.name);
    out.u32(t.shape.length);
    for (const d of t.shape) out.u64(d);
    out.u32(0); // F32
    out.u64(offset);
    const size = t.shape.reduce((a, b) => a * b, 1) * 4;
    sizes.push(size);
    offset += Math.ceil(size / ALIGN) * ALIGN;
  }
  out.push(Buffer.alloc((ALIGN - (out.length % ALIGN)) % ALIGN));
  out.push(Buffer.alloc(offset));
  const all = out.concat();
  return spec.truncateTo === undefined ? all : all.subarray(0, spec.truncateTo);
}

export function writeGguf(file: string, spec: GgufSpec): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, ggufBytes(spec));
  return file;
}

/** Metadata of a small llama-style model. */
export function llamaMetadata(over: Record<string, GgufValue> = {}): Record<string, GgufValue> {
  return {
    'general.architecture': 'llama',
    'general.name': 'Tiny Llama',
    'general.file_type': 15, // Q4_K_M
    'llama.context_length': 4096,
    'llama.block_count': 2,
    'llama.embedding_length': 8,
    'llama.attention.head_count': 2,
    ...over,
  };
}
