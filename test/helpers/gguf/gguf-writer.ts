/**
 * A minimal GGUF v3 writer (the format llama.cpp reads: header, metadata key/values, tensor infos,
 * aligned F32 tensor data), enough to make valid test models without shipping binary files.
 * Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */

/** Metadata value types of the GGUF spec. */
const T = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
const F32_TENSOR = 0;
export const GGUF_ALIGNMENT = 32;

export type GgufValue =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: string[] }
  | { type: 'float32s' | 'int32s'; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: the innermost (contiguous) dimension first. */
  dims: number[];
  data: Float32Array;
}

/** Growable little-endian byte buffer. */
class Bytes {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  private put(n: number, write: (at: number) => number): void {
    this.room(n);
    this.length = write(this.length);
  }
  u32(v: number): void {
    this.put(4, (at) => this.buf.writeUInt32LE(v, at));
  }
  i32(v: number): void {
    this.put(4, (at) => this.buf.writeInt32LE(v, at));
  }
  u64(v: number): void {
    this.put(8, (at) => this.buf.writeBigUInt64LE(BigInt(v), at));
  }
  f32(v: number): void {
    this.put(4, (at) => this.buf.writeFloatLE(v, at));
  }
  u8(v: number): void {
    this.put(1, (at) => this.buf.writeUInt8(v, at));
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.raw(b);
  }
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  pad(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeArray<V>(out: Bytes, elementType: number, values: V[], write: (v: V) => void): void {
  out.u32(T.array);
  out.u32(elementType);
  out.u64(values.length);
  values.forEach(write);
}

function writeValue(out: Bytes, v: GgufValue): void {
  if (v.type === 'strings') return writeArray(out, T.string, v.value, (s) => out.str(s));
  if (v.type === 'float32s') return writeArray(out, T.float32, v.value, (n) => out.f32(n));
  if (v.type === 'int32s') return writeArray(out, T.int32, v.value, (n) => out.i32(n));
  out.u32(T[v.type]);
  switch (v.type) {
    case 'uint32':
      return out.u32(v.value);
    case 'int32':
      return out.i32(v.value);
    case 'float32':
      return out.f32(v.value);
    case 'bool':
      return out.u8(v.value ? 1 : 0);
    case 'string':
      return out.str(v.value);
  }
}

/** The whole file: `GGUF`, version 3, counts, metadata, tensor infos, then the aligned tensor data. */
export function encodeGguf(metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Buffer {
  const out = new Bytes();
  out.raw(Buffer.from('GGUF', 'ascii'));
  out.u32(3);
  out.u64(tensors.length);
  const entries = Object.entries({ ...metadata, 'general.alignment': { type: 'uint32', value: GGUF_ALIGNMENT } as GgufValue });
  out.u64(entries.length);
  for (const [key, value] of entries) {
    out.str(key);
    writeValue(out, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims.join('x')} hold ${count} values, got ${t.data.length}`);
    out.str(t.name);
    out.u32(t.dims.length);
    t.dims.forEach((d) => out.u64(d));
    out.u32(F32_TENSOR);
    out.u64(offset);
    offset += Math.ceil((count * 4) / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  }
  out.pad(GGUF_ALIGNMENT);
  for (const t of tensors) {
    out.raw(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    out.pad(GGUF_ALIGNMENT);
  }
  return out.bytes();
}
