import { BUILTIN_BACKEND_NAME } from '../backends/backend-names.js';
import { LLAMA_SERVER_TEMPLATE_NAME } from '../backends/llama-server-template.js';
import type { ModelConfig } from '../config/types.js';
import { readGgufModel } from './gguf-model.js';
import { LLAMA_ARCHITECTURES, PROJECTOR_ARCHITECTURE } from './llama-architectures.js';

/** Backends that only take GGUF files. */
const GGUF_BACKENDS = new Set([LLAMA_SERVER_TEMPLATE_NAME, BUILTIN_BACKEND_NAME]);

/**
 * Why `model`'s file cannot be loaded, or null: checked before a backend is spawned, so a missing,
 * non-GGUF or truncated file (or one llama.cpp has no code for) fails the load at once with that
 * reason instead of a backend that exits with it buried in its log, or hangs mapping a partial
 * download. Applies to `.gguf` files and to every file given to llama-server or the built-in backend.
 * Architectures are checked against llama.cpp's list for the built-in backend only: a llama-server
 * on PATH may be newer than the list, so there only projectors are refused.
 */
export async function modelFileProblem(model: Pick<ModelConfig, 'model' | 'backend' | 'mmproj'>): Promise<string | null> {
  const file = model.model;
  if (!file) return null;
  const ggufBackend = model.backend !== null && GGUF_BACKENDS.has(model.backend);
  if (!ggufBackend && !/\.gguf$/i.test(file)) return null;
  const r = await readGgufModel(file);
  if (!r.ok) return r.message;
  const arch = r.model.architecture;
  if (!arch) return `${file} has no general.architecture: it is not a model llama.cpp can load`;
  if (arch === PROJECTOR_ARCHITECTURE) return `${file} is a multimodal projector (mmproj), not a model: set it as the model's mmproj`;
  if (model.backend === BUILTIN_BACKEND_NAME && !LLAMA_ARCHITECTURES.has(arch)) {
    return `unsupported architecture "${arch}" in ${file}: the built-in llama.cpp cannot run it`;
  }
  if (model.mmproj) {
    const p = await readGgufModel(model.mmproj);
    if (!p.ok) return `mmproj: ${p.message}`;
  }
  return null;
}
