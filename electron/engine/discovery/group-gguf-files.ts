import path from 'node:path';
import { parseShardName } from '../gguf/gguf-shards.js';

/** One model among found files: its (first) file, and the projector that goes with it. */
export interface GgufGroup {
  file: string;
  mmproj: string | null;
}

export interface GroupedFiles {
  models: GgufGroup[];
  /** Files that cannot be used as found (a split model without its first shard). */
  orphans: { file: string; reason: string }[];
}

const PROJECTOR = /mmproj/i;

/**
 * Which of `files` are models (pure). A split model (`-00001-of-00003`) is one model named by its
 * first shard; a `mmproj` file is a multimodal projector, attached to every model in its folder (a
 * folder holds one model in several quantizations; the projector serves each). With several
 * projectors in a folder, an f16 one is preferred, then the first by name.
 */
export function groupGgufFiles(files: readonly string[]): GroupedFiles {
  const sorted = [...files].sort();
  const projectors = new Map<string, string>();
  for (const f of sorted.filter((f) => PROJECTOR.test(path.basename(f)))) {
    const dir = path.dirname(f);
    const current = projectors.get(dir);
    if (!current || (!/f16/i.test(path.basename(current)) && /f16/i.test(path.basename(f)))) projectors.set(dir, f);
  }
  const present = new Set(sorted);
  const models: GgufGroup[] = [];
  const orphans: GroupedFiles['orphans'] = [];
  for (const f of sorted) {
    if (PROJECTOR.test(path.basename(f))) continue;
    const shard = parseShardName(f);
    if (shard && shard.index !== 1) {
      const first = path.join(path.dirname(f), `${shard.prefix}-00001-of-${String(shard.count).padStart(5, '0')}.gguf`);
      if (!present.has(first)) orphans.push({ file: f, reason: `shard ${shard.index} of ${shard.count} without its first shard` });
      continue;
    }
    models.push({ file: f, mmproj: projectors.get(path.dirname(f)) ?? null });
  }
  return { models, orphans };
}

/** A model's name from its file: the base name without `.gguf` and the shard suffix. */
export function nameFromFile(file: string): string {
  const shard = parseShardName(file);
  return shard ? shard.prefix : path.basename(file).replace(/\.gguf$/i, '');
}
