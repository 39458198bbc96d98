import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap } from 'yaml';
import { watchdogPatchSchema } from '../../../shared/settings.js';
import { atomicWriteFile } from './atomic-write-file.js';
import { KeyedQueue } from './keyed-queue.js';
import { addYamlMap, setYamlScalar } from './set-yaml-scalar.js';
import type { ModelConfig } from './types.js';
import { YamlSource, type YamlPath } from './yaml-source.js';

// Writes from the UI, tray and API go into the user's own files (CONTRACT §2), so they change only
// the one value and are atomic. All writers in this process share one queue: a file is a
// process-wide resource, and two read-modify-write cycles must not interleave on it.
const queue = new KeyedQueue();

/** Sets `pinned` where `model` is defined: `models.<name>.pinned`, or a models_dir file's top level. */
export function writePinned(model: ModelConfig, pinned: boolean): Promise<void> {
  // A discovered model's sourceFile is its GGUF file; pinning one adds it to the config (see service-impl).
  if (model.sourceKind === 'discovered') return Promise.reject(new Error(`model "${model.name}" is not in a config file yet`));
  const mapPath: YamlPath = model.sourceKind === 'main' ? ['models', model.name] : [];
  return edit(model.sourceFile, (file, text) => {
    const source = new YamlSource(file, text);
    if (!source.syntaxError() && !isMap(source.locate(mapPath)?.value)) {
      throw new Error(`model "${model.name}" is no longer defined in ${file}`);
    }
    // Unpinning a model that never had `pinned:` changes nothing, so the file is left untouched.
    if (!pinned && source.locate([...mapPath, 'pinned']) === null) return text;
    return setYamlScalar(file, text, mapPath, 'pinned', pinned);
  });
}

/** Sets each key under `watchdog:` (created if missing). Keys and values must pass watchdogPatchSchema. */
export function writeWatchdogSettings(file: string, patch: Record<string, string | number | boolean>): Promise<void> {
  const parsed = watchdogPatchSchema.safeParse(patch);
  if (!parsed.success) return Promise.reject(new Error(`invalid watchdog settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`));
  return edit(file, (f, text) =>
    Object.entries(patch).reduce((t, [key, value]) => setYamlScalar(f, t, ['watchdog'], key, value), text),
  );
}

/** Adds `models.<name>` with `fields` to the config file (a discovered model made permanent). */
export function writeModelEntry(file: string, name: string, fields: Record<string, string | number | boolean>): Promise<void> {
  return edit(file, (f, text) => addYamlMap(f, text, ['models'], name, fields));
}

function edit(file: string, change: (file: string, text: string) => string): Promise<void> {
  const abs = path.resolve(file);
  return queue.run(abs, async () => {
    const text = await readFile(abs, 'utf8');
    const next = change(abs, text);
    if (next !== text) await atomicWriteFile(abs, next);
  });
}
