import { stat } from 'node:fs/promises';
import type { GgufFacts } from '../config/types.js';
import { readGgufModel, type GgufModelResult } from '../gguf/gguf-model.js';
import { PROJECTOR_ARCHITECTURE } from '../gguf/llama-architectures.js';
import { findGgufFiles } from './find-gguf-files.js';
import { groupGgufFiles } from './group-gguf-files.js';
import { modelNameFor } from './model-name.js';

/** A GGUF model found in a discover folder. */
export interface DiscoveredModel {
  name: string;
  file: string;
  mmproj: string | null;
  facts: GgufFacts;
}

export interface DiscoveryResult {
  models: DiscoveredModel[];
  warnings: string[];
  /** Folders that do not exist (each also a warning). */
  missing: string[];
}

/** Headers by file, kept while the file's size and mtime stay the same, so a rescan reads only what changed. */
export type HeaderCache = Map<string, { stamp: string; result: GgufModelResult }>;

/**
 * Scans `dirs` for GGUF models and reads their headers. A file that cannot be used (not GGUF,
 * truncated, a projector on its own) is left out with a warning naming it; a missing folder is a
 * warning too. Names come from the file (without `.gguf` and shard suffix), or from
 * `general.name` + quantization for generic file names; a repeated name gets `-2`, `-3`, ….
 */
export async function discoverModels(dirs: readonly string[], cache: HeaderCache = new Map()): Promise<DiscoveryResult> {
  const warnings: string[] = [];
  const found = await findGgufFiles(dirs);
  for (const dir of found.missing) warnings.push(`discover: ${dir} does not exist; no models found there`);
  const grouped = groupGgufFiles(found.files);
  for (const o of grouped.orphans) warnings.push(`discover: ${o.file}: skipped, ${o.reason}`);

  const models: DiscoveredModel[] = [];
  const taken = new Set<string>();
  const seen = new Set<string>();
  for (const g of grouped.models) {
    const r = await cachedRead(g.file, cache);
    seen.add(g.file);
    if (!r.ok) {
      warnings.push(`discover: ${g.file}: skipped, ${r.message}`);
      continue;
    }
    const m = r.model;
    if (m.architecture === PROJECTOR_ARCHITECTURE) {
      warnings.push(`discover: ${g.file}: skipped, a multimodal projector with no model next to it`);
      continue;
    }
    const wanted = modelNameFor(g.file, m);
    let name = wanted;
    for (let i = 2; taken.has(name); i++) name = `${wanted}-${i}`;
    taken.add(name);
    models.push({
      name,
      file: g.file,
      mmproj: g.mmproj,
      facts: {
        files: m.files,
        sizeBytes: m.sizeBytes,
        architecture: m.architecture,
        parameterCount: m.parameterCount,
        quantization: m.quantization,
        contextLength: m.contextLength,
      },
    });
  }
  for (const k of cache.keys()) if (!seen.has(k)) cache.delete(k);
  return { models, warnings, missing: found.missing };
}

async function cachedRead(file: string, cache: HeaderCache): Promise<GgufModelResult> {
  let stamp: string;
  try {
    const st = await stat(file);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    return readGgufModel(file);
  }
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.result;
  const result = await readGgufModel(file);
  cache.set(file, { stamp, result });
  return result;
}

