import { z } from 'zod';
import { mainConfigSchema } from './config-schema.js';

/** The file `loadout` keeps next to a config it created, named by the config's first line. */
export const SCHEMA_FILE_NAME = 'config.schema.json';

/** The modeline that gives editors running yaml-language-server completion and checks. */
export const SCHEMA_MODELINE = `# yaml-language-server: $schema=./${SCHEMA_FILE_NAME}`;

/**
 * The config file's JSON Schema, generated from the zod schema the loader validates with, so the two
 * cannot drift. Draft-07, which every YAML editor plugin reads. What JSON Schema cannot say (durations
 * and sizes are checked by a parser, macros against the environment) `loadout config check` still checks.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(mainConfigSchema, { io: 'input', target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    title: 'Loadout configuration',
    description: 'Keeps local AI models loaded: listen address, watchdog rules, backends and models. Validate a file with `loadout config check FILE`.',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}

/** The schema as written to disk and printed by `loadout config schema`. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
