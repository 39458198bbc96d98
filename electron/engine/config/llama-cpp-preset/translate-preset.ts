import path from 'node:path';
import { quoteArg } from '../../backends/command-line.js';
import { parseIni, type IniEntry } from './parse-ini.js';
import { ASSIGNED, flagFor, MODEL_FILE_KEYS, MODEL_SOURCE_KEYS, normalizeKey, PRESET_ONLY } from './preset-keys.js';

/** A preset that cannot be imported: where and why. */
export class PresetError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'PresetError';
  }
}

export interface PresetImport {
  /** Loadout config keys, ready to be written out. */
  config: Record<string, unknown>;
  /** Explanations by dotted Loadout path. */
  notes: Map<string, string>;
  /** What was read but not carried over. */
  warnings: string[];
}

/** A template for models that llama-server downloads itself (hf-repo, model-url, docker-repo): no `-m`. */
export const HUB_BACKEND = 'llama-server-hub';
const TRUE = new Set(['true', '1', 'on', 'yes', 'enabled']);
/** Router flags a `[*]` section may carry, as Loadout watchdog settings. */
const ROUTER_FLAGS: Record<string, string> = { 'models-max': 'max_active', 'sleep-idle-seconds': 'idle_timeout' };

/**
 * A llama.cpp router preset (`llama-server --models-preset FILE.ini`) as a Loadout config: `[*]`
 * holds defaults for every section, each other section is a model whose keys are llama-server
 * arguments (long or short names, or LLAMA_ARG_* names) plus the preset keys load-on-startup,
 * stop-timeout and alias. A section without a model source is refused (a model-less preset makes
 * llama-server start a nested router, ggml-org/llama.cpp#27351).
 */
export function translatePreset(text: string, file: string): PresetImport {
  const sections = parseIni(text);
  const warnings: string[] = [];
  const notes = new Map<string, string>();
  const defaults: IniEntry[] = [];
  const watchdog: Record<string, number> = {};
  for (const s of sections.filter((x) => x.name === '' || x.name === '*')) {
    for (const e of s.entries) {
      const key = normalizeKey(e.key);
      if (s.name === '' && key === 'version') continue;
      if (s.name === '') warnings.push(`line ${e.line}: ${e.key} outside a section is ignored`);
      else if (ROUTER_FLAGS[key]) watchdog[ROUTER_FLAGS[key]] = number(file, e);
      else if (key.startsWith('models-')) warnings.push(`line ${e.line}: router flag ${e.key} is ignored`);
      else defaults.push(e);
    }
  }

  const models: Record<string, Record<string, unknown>> = {};
  let hub = false;
  const seen = new Set<string>();
  for (const s of sections.filter((x) => x.name !== '' && x.name !== '*')) {
    if (seen.has(s.name)) throw new PresetError(file, s.line, `[${s.name}] is defined twice`);
    seen.add(s.name);
    const merged = new Map<string, IniEntry>();
    for (const e of [...defaults, ...s.entries]) merged.set(normalizeKey(e.key), e);
    if (![...merged.keys()].some((k) => MODEL_SOURCE_KEYS.has(k))) {
      throw new PresetError(file, s.line, `[${s.name}]: no model source; set model (or m), hf-repo (hf), model-url or docker-repo`);
    }
    const model: Record<string, unknown> = {};
    const args: string[] = [];
    for (const [key, e] of merged) {
      if (MODEL_FILE_KEYS.has(key)) model.model = modelPath(e.value, file);
      else if (key === 'a') model.aliases = e.value.split(',').map((a) => a.trim()).filter(Boolean);
      else if (key === 'load-on-startup') model.preload = TRUE.has(e.value.toLowerCase());
      else if (key === 'stop-timeout') model.stop_timeout = number(file, e);
      else if (key === 'tags') notes.set(`models.${s.name}`, `tags: ${e.value}`);
      else if (PRESET_ONLY.has(key)) warnings.push(`line ${e.line}: [${s.name}] ${e.key} is ignored`);
      else if (ASSIGNED.has(key)) warnings.push(`line ${e.line}: [${s.name}] ${e.key} is ignored: Loadout picks the address of each start`);
      // A flag without a value is written `= true` (and left out with `= false`); anything else is its value.
      else if (e.value.toLowerCase() === 'true') args.push(flagFor(key));
      else if (e.value.toLowerCase() !== 'false') args.push(flagFor(key), e.value);
    }
    const entry: Record<string, unknown> = { backend: model.model ? 'llama-server' : HUB_BACKEND, ...model };
    if (!model.model) hub = true;
    if (args.length > 0) entry.args = args.map(quoteArg).join(' ');
    models[s.name] = entry;
  }

  const config: Record<string, unknown> = {};
  if (Object.keys(watchdog).length > 0) {
    config.watchdog = watchdog;
    notes.set('watchdog', 'from the router flags in [*] (models-max, sleep-idle-seconds)');
  }
  if (hub) {
    config.backends = { [HUB_BACKEND]: { cmd: 'llama-server --host 127.0.0.1 --port ${PORT} ${ARGS}', health: '/health' } };
    notes.set(`backends.${HUB_BACKEND}`, 'for models llama-server fetches itself (hf-repo, model-url, docker-repo)');
  }
  config.models = models;
  return { config, notes, warnings };
}

function number(file: string, e: IniEntry): number {
  const n = Number(e.value);
  if (!Number.isFinite(n) || n < 0) throw new PresetError(file, e.line, `${e.key}: expected a number of seconds or models, got "${e.value}"`);
  return n;
}

/** llama-server reads a relative path from its working directory; the import pins it to the preset's folder. */
function modelPath(p: string, file: string): string {
  return p.startsWith('~') || path.isAbsolute(p) ? p : path.resolve(path.dirname(path.resolve(file)), p);
}
