import path from 'node:path';
import { LoadoutError } from '../../../shared/errors.js';
import type { ModelView } from '../../../shared/model-view.js';
import type { LoadoutConfig } from '../config/types.js';
import { writeModelEntry } from '../config/write-back.js';
import type { Engine } from '../engine.js';
import { readGgufModel } from '../gguf/gguf-model.js';
import { modelFileProblem } from '../gguf/model-file-problem.js';
import { configEntryFor } from './add-discovered-model.js';
import { modelNameFor } from './model-name.js';

export interface AddFileRequest {
  path: string;
  name?: string | undefined;
}

function bad(field: 'path' | 'name', message: string): LoadoutError {
  return new LoadoutError('bad_request', `${field}: ${message}`, { field });
}

/**
 * The model file a user typed or picked, as an absolute path: `~` is the home directory; a relative
 * path is refused, since the server's working directory means nothing to whoever typed it.
 */
export function modelFilePath(raw: string, homeDir: string): string {
  const p = raw.trim();
  if (p === '') throw bad('path', 'is empty; give the absolute path of a .gguf file');
  const expanded = p === '~' ? homeDir : p.startsWith('~/') || p.startsWith('~\\') ? path.join(homeDir, p.slice(2)) : p;
  if (!path.isAbsolute(expanded)) throw bad('path', `"${p}" is not an absolute path; give the full path of a .gguf file`);
  return path.normalize(expanded);
}

/** A name the config file and the API can both carry: no surrounding spaces, no control characters. */
export function checkModelName(name: string): string {
  if (name.trim() !== name || name === '') throw bad('name', `"${name}" must not be empty or start or end with spaces`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw bad('name', 'must not contain control characters');
  return name;
}

/**
 * Which existing model stops `name` (for `file`) from being added, as a 409; null when it may be.
 * A discovered model of the same file and name is the one exception: adding it makes it configured.
 */
export function addFileConflict(config: Pick<LoadoutConfig, 'models'>, name: string, file: string): LoadoutError | null {
  const configured = config.models.find((m) => m.sourceKind !== 'discovered' && m.model !== null && path.normalize(m.model) === file);
  if (configured) return new LoadoutError('already_configured', `path: ${file} is already configured as "${configured.name}"`, { field: 'path' });
  const taken = config.models.find((m) => m.name === name || m.aliases.includes(name));
  if (taken && !(taken.sourceKind === 'discovered' && taken.name === name && taken.model === file)) {
    return new LoadoutError('already_configured', `name: a model named "${name}" already exists (${taken.sourceFile}); give this one another name`, { field: 'name' });
  }
  return null;
}

/**
 * `models.addFile`: adds a GGUF file that discovery has not found (or has) to the config file as
 * `models.<name>: {model: <path>}` (comments and layout kept, written atomically), then waits for the
 * reload. The file must be a readable GGUF model, checked with the same pre-spawn checks as a load;
 * the name is derived as discovery derives it unless given.
 */
export async function addModelFile(engine: Engine, req: AddFileRequest, deps: { homeDir: string; reload(): Promise<void> }): Promise<ModelView> {
  const file = modelFilePath(req.path, deps.homeDir);
  const header = await readGgufModel(file);
  if (!header.ok) throw bad('path', header.message);
  const config = engine.currentConfig;
  const backend = config.discoverBackend && config.backends[config.discoverBackend] ? config.discoverBackend : null;
  const problem = await modelFileProblem({ model: file, backend, mmproj: null });
  if (problem) throw bad('path', problem);
  const name = checkModelName(req.name ?? modelNameFor(file, header.model));
  const conflict = addFileConflict(config, name, file);
  if (conflict) throw conflict;
  // A file discovery found keeps what it runs with now (its projector, its backend).
  const discovered = config.models.find((m) => m.sourceKind === 'discovered' && m.model === file);
  const fields: Record<string, string | boolean> = discovered ? configEntryFor(discovered) : { ...(backend ? { backend } : {}), model: file };
  await writeModelEntry(engine.configFile, name, fields);
  await deps.reload();
  return engine.getModel(name);
}
