import { nameFromFile } from './group-gguf-files.js';

/** Names that say nothing about the model (`model.gguf`, `ggml-model-q4_0.gguf`): the header's name is used instead. */
const GENERIC = /^(ggml-)?model([-_.].*)?$/i;

/**
 * A model's name from its file (pure): the base name without `.gguf` and the shard suffix, or, for a
 * generic file name, `general.name` + quantization from its header. Discovery and `models.addFile`
 * both name models this way, so a file gets the same name whichever way it is added.
 */
export function modelNameFor(file: string, header: { name: string | null; quantization: string | null }): string {
  const base = nameFromFile(file);
  return GENERIC.test(base) && header.name ? slug([header.name, header.quantization].filter(Boolean).join('-')) : base;
}

function slug(s: string): string {
  return s.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}
