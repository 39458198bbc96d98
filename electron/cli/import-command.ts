import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { atomicWriteFile } from '../engine/config/atomic-write-file.js';
import { ConfigInvalid } from '../engine/config/config-invalid.js';
import { IniSyntaxError } from '../engine/config/llama-cpp-preset/parse-ini.js';
import { PresetError, translatePreset } from '../engine/config/llama-cpp-preset/translate-preset.js';
import { translateLlamaSwap } from '../engine/config/llama-swap/translate.js';
import { loadConfig } from '../engine/config/load-config.js';
import { renderConfig } from '../engine/config/render-config.js';
import { formatConfigError } from '../engine/config/types.js';
import { YamlSource } from '../engine/config/yaml-source.js';
import { flag, type ParsedArgs } from './args.js';

export const IMPORT_USAGE = 'usage: loadout import llama-swap FILE [--out FILE] | loadout import llama-cpp-preset FILE.ini [--out FILE]';

/** `loadout import KIND FILE [--out FILE]`: the equivalent Loadout config, commented, checked before it is written. */
export async function runImport(args: ParsedArgs, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  const [, kind, input] = args.positionals;
  if ((kind !== 'llama-swap' && kind !== 'llama-cpp-preset') || !input) {
    err(IMPORT_USAGE);
    return 2;
  }
  const file = path.resolve(input);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    err(`loadout import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return 2;
  }
  let yaml: string;
  try {
    yaml = kind === 'llama-swap' ? fromLlamaSwap(file, text) : fromPreset(file, text);
  } catch (e) {
    if (e instanceof ConfigInvalid) err(`loadout import: ${formatConfigError(e.error)}`);
    else if (e instanceof PresetError) err(`loadout import: ${e.message}`);
    else if (e instanceof IniSyntaxError) err(`loadout import: ${file}:${e.line}: ${e.message}`);
    else throw e;
    return 1;
  }
  const problem = await checkConfig(yaml, flag(args, 'out'));
  if (problem) {
    err(`loadout import: the imported config does not load: ${problem}`);
    return 1;
  }
  const dest = flag(args, 'out');
  if (dest) {
    await atomicWriteFile(path.resolve(dest), yaml);
    err(`wrote ${path.resolve(dest)}`);
  } else {
    out(yaml.trimEnd());
  }
  return 0;
}

function fromLlamaSwap(file: string, text: string): string {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxError();
  if (syntax) throw new ConfigInvalid(syntax);
  const t = translateLlamaSwap(source, process.env);
  const header = [
    `Loadout config imported from the llama-swap config ${file}`,
    '(`loadout serve --config` also reads that file as is). ${env.…} values were taken from this environment.',
    'Groups became concurrency_groups: two loaded models never share one.',
    ...(t.ignored.length ? [`Not carried over: ${t.ignored.join(', ')}`] : []),
  ];
  return renderConfig(t.config, header, t.notes);
}

function fromPreset(file: string, text: string): string {
  const t = translatePreset(text, file);
  const header = [`Loadout config imported from the llama.cpp router preset ${file}`, ...t.warnings.map((w) => `Not carried over: ${w}`)];
  return renderConfig(t.config, header, t.notes);
}

/** Loads the result as Loadout would (next to its destination, so relative paths mean the same); null when it is valid. */
async function checkConfig(yaml: string, dest: string | undefined): Promise<string | null> {
  const dir = await mkdtemp(path.join(dest ? path.dirname(path.resolve(dest)) : os.tmpdir(), '.loadout-import-'));
  try {
    const probe = path.join(dir, 'config.yaml');
    await atomicWriteFile(probe, yaml);
    const r = await loadConfig(probe);
    return r.ok ? null : formatConfigError(r.error);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
