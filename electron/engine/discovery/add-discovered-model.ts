import { LoadoutError } from '../../../shared/errors.js';
import type { ModelView } from '../../../shared/model-view.js';
import type { ModelConfig } from '../config/types.js';
import { writeModelEntry } from '../config/write-back.js';
import type { Engine } from '../engine.js';

/**
 * Makes a discovered model a configured one: `models.<name>` with its file, backend and projector
 * is added to the config file (comments and layout kept), then the config is reloaded so the model
 * keeps its name and, if loaded, its running backend.
 */
export async function addDiscoveredModel(engine: Engine, name: string, reload: () => Promise<void>): Promise<ModelView> {
  engine.getModel(name); // 404 for an unknown name
  const m = engine.currentConfig.models.find((c) => c.name === name);
  if (!m || m.sourceKind !== 'discovered' || m.model === null) {
    throw new LoadoutError('already_configured', `model "${name}" is already configured in ${m?.sourceFile ?? engine.configFile}`);
  }
  await writeModelEntry(engine.configFile, name, configEntryFor(m));
  await reload();
  return engine.getModel(name);
}

/** The `models:` entry that runs a discovered model as it runs now: backend, file, projector. */
export function configEntryFor(m: ModelConfig): Record<string, string | boolean> {
  const fields: Record<string, string | boolean> = {};
  if (m.backend) fields.backend = m.backend;
  if (m.model) fields.model = m.model;
  if (m.mmproj) fields.mmproj = m.mmproj;
  return fields;
}
