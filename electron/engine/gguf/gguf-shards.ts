import path from 'node:path';

/** llama.cpp's split naming: `<prefix>-00001-of-00003.gguf`. */
const SHARD = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

export interface ShardName {
  prefix: string;
  index: number;
  count: number;
}

/** The shard numbering in a file name, or null for a single-file model. */
export function parseShardName(file: string): ShardName | null {
  const m = SHARD.exec(path.basename(file));
  if (!m) return null;
  return { prefix: m[1] as string, index: Number(m[2]), count: Number(m[3]) };
}

/** Every shard of the model `first` belongs to, in order (just `[first]` when it is not split). */
export function shardFiles(first: string): string[] {
  const s = parseShardName(first);
  if (!s) return [first];
  const dir = path.dirname(first);
  const width = (n: number) => String(n).padStart(5, '0');
  return Array.from({ length: s.count }, (_, i) => path.join(dir, `${s.prefix}-${width(i + 1)}-of-${width(s.count)}.gguf`));
}
