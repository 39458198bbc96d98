import { inspectGguf, type GgufHeader, type GgufProblemCode } from './gguf-header.js';
import { parseShardName, shardFiles } from './gguf-shards.js';

/** A whole model: its first file's header, with size and parameters summed over every shard. */
export interface GgufModel extends GgufHeader {
  /** Every file of the model, first shard first. */
  files: string[];
}

export type GgufModelResult = { ok: true; model: GgufModel } | { ok: false; code: GgufProblemCode; message: string };

/** Reads every shard's header of the model whose (first) file is `file`; the first problem wins. */
export async function readGgufModel(file: string): Promise<GgufModelResult> {
  const shard = parseShardName(file);
  if (shard && shard.index !== 1) {
    return { ok: false, code: 'unreadable', message: `${file} is shard ${shard.index} of ${shard.count}; name the first shard (-00001-of-…)` };
  }
  const files = shardFiles(file);
  let model: GgufModel | null = null;
  for (const f of files) {
    const r = await inspectGguf(f);
    if (!r.ok) return files.length > 1 && r.code === 'missing' ? { ...r, message: `shard missing: ${f}` } : r;
    if (!model) model = { ...r.header, files };
    else {
      model.sizeBytes += r.header.sizeBytes;
      model.parameterCount += r.header.parameterCount;
    }
  }
  return { ok: true, model: model! };
}
