import { existsSync } from 'node:fs';
import { configJsonSchemaText } from '../engine/config/config-json-schema.js';
import { loadConfig } from '../engine/config/load-config.js';
import { formatConfigError } from '../engine/config/types.js';
import type { ParsedArgs } from './args.js';

export const CONFIG_USAGE = 'usage: loadout config schema | loadout config check [FILE]';

/**
 * `loadout config schema` prints the config's JSON Schema; `loadout config check [FILE]` validates a
 * file exactly as `serve` would load it. Exit codes: 0 valid, 1 invalid (`file:line:column: key:
 * message` on stderr), 2 usage or a missing file.
 */
export async function runConfigCommand(args: ParsedArgs, configFile: string, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  const sub = args.positionals[1];
  if (sub === 'schema') {
    out(configJsonSchemaText().trimEnd());
    return 0;
  }
  if (sub === 'check') {
    const file = args.positionals[2] ?? configFile;
    if (!existsSync(file)) {
      err(`loadout config check: file not found: ${file}`);
      return 2;
    }
    const r = await loadConfig(file);
    if (!r.ok) {
      err(formatConfigError(r.error));
      return 1;
    }
    for (const w of r.warnings) err(`${r.config.file}: warning: ${w}`);
    out(`${r.config.file}: ok (${r.config.models.length} model${r.config.models.length === 1 ? '' : 's'})`);
    return 0;
  }
  err(CONFIG_USAGE);
  return 2;
}
