import { ConfigInvalid } from '../config-invalid.js';
import type { YamlPath, YamlSource } from '../yaml-source.js';
import { concurrencyGroupsFor, withDefaultGroup, type SwapGroup } from './groups.js';
import { HONOURED_MODEL, HONOURED_TOP, LOADOUT_MODEL, LOADOUT_TOP } from './keys.js';
import { applyMacros, expandEnv, leftoverMacros, macroProblem, mergeMacros, type Macro } from './macros.js';

/** A llama-swap config in Loadout's words: the same shape as Loadout's own YAML. */
export interface Translation {
  /** Loadout config keys (snake_case), ready for the ordinary resolver or to be written out. */
  config: Record<string, unknown>;
  /** Keys read but not honoured (dotted paths), reported in one warning. */
  ignored: string[];
  /** Short explanations by Loadout path (`models.x.concurrency_groups`), for the written-out config. */
  notes: Map<string, string>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DEFAULT_PROXIES = new Set(['http://localhost:${PORT}', 'http://127.0.0.1:${PORT}']);
const LOADOUT_HOOKS = new Set(['timeout', 'before_load', 'after_ready', 'before_unload', 'after_unload', 'on_evicted', 'on_failed']);

/**
 * Translates a parsed llama-swap config (CONTRACT §8, issue 11) into Loadout's config shape.
 * Errors are located in `source`, the llama-swap file itself; `env` feeds `${env.VAR}`.
 */
export function translateLlamaSwap(source: YamlSource, env: Record<string, string | undefined>): Translation {
  const fail = (path: YamlPath, message: string, at: 'key' | 'value' = 'value'): never => {
    throw new ConfigInvalid(source.errorAt(path, message, at));
  };
  const raw = expandEnvDeep(source.value(), [], env, fail) as Obj;
  const ignored: string[] = [];
  const notes = new Map<string, string>();
  const out: Obj = {};

  for (const key of Object.keys(raw)) {
    if (LOADOUT_TOP.has(key)) out[key] = raw[key];
    else if (!HONOURED_TOP.has(key)) ignored.push(key);
  }
  const int = (path: YamlPath, v: unknown, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return fail(path, `expected a whole number ≥ ${min}`);
    return v;
  };

  const watchdog: Obj = { idle_timeout: 0 };
  if (raw.healthCheckTimeout != null) watchdog.health_timeout = Math.max(15, int(['healthCheckTimeout'], raw.healthCheckTimeout, 0));
  if (raw.globalTTL != null) watchdog.idle_timeout = int(['globalTTL'], raw.globalTTL, 0);
  if (raw.unloadTimeout != null) watchdog.stop_timeout = int(['unloadTimeout'], raw.unloadTimeout, 0);
  notes.set('watchdog', 'healthCheckTimeout, globalTTL (0 = never) and unloadTimeout, in seconds');
  out.watchdog = { ...watchdog, ...(isObj(raw.watchdog) ? raw.watchdog : {}) };

  const globalMacros = readMacros(raw.macros, ['macros'], fail);
  if (!isObj(raw.models)) fail(['models'], 'required: a map of model id → { cmd, … }', 'key');
  const modelIds = Object.keys(raw.models as Obj).sort();
  const startPort = raw.startPort == null ? null : int(['startPort'], raw.startPort, 1);
  let nextPort = startPort;
  const models: Obj = {};
  const aliasOwner = new Map<string, string>();
  for (const id of modelIds) {
    const at: YamlPath = ['models', id];
    const m = (raw.models as Obj)[id];
    if (!isObj(m)) fail(at, 'expected a map with at least cmd');
    const { model, usesPort } = translateModel(id, m as Obj, at, globalMacros, fail, ignored);
    if (usesPort && nextPort !== null) model.port = nextPort++;
    for (const a of (model.aliases as string[] | undefined) ?? []) {
      const owner = aliasOwner.get(a);
      if (owner) fail([...at, 'aliases'], `duplicate alias ${a}, already used by model ${owner}`);
      aliasOwner.set(a, id);
    }
    models[id] = model;
  }

  const groups = readGroups(raw, modelIds, fail, ignored);
  for (const [model, names] of concurrencyGroupsFor(withDefaultGroup(groups, modelIds))) {
    (models[model] as Obj).concurrency_groups = names;
    notes.set(`models.${model}.concurrency_groups`, 'from llama-swap groups (swap / exclusive / persistent)');
  }

  const hooks = isObj(raw.hooks) ? raw.hooks : {};
  for (const key of Object.keys(hooks)) if (key !== 'on_startup' && !LOADOUT_HOOKS.has(key)) ignored.push(`hooks.${key}`);
  const loadoutHooks = Object.fromEntries(Object.entries(hooks).filter(([k]) => LOADOUT_HOOKS.has(k)));
  if (Object.keys(loadoutHooks).length > 0) out.hooks = loadoutHooks;
  const onStartup = isObj(hooks.on_startup) ? hooks.on_startup : {};
  for (const key of Object.keys(onStartup)) if (key !== 'preload') ignored.push(`hooks.on_startup.${key}`);
  const preload = onStartup.preload ?? [];
  if (!Array.isArray(preload)) fail(['hooks', 'on_startup', 'preload'], 'expected a list of model ids');
  (preload as unknown[]).forEach((p) => {
    const wanted = String(p).trim();
    const real = models[wanted] ? wanted : aliasOwner.get(wanted);
    // llama-swap skips ids it does not know; so does Loadout.
    if (real) (models[real] as Obj).preload = true;
  });

  if (raw.apiKeys != null) {
    if (!Array.isArray(raw.apiKeys)) fail(['apiKeys'], 'expected a list of keys');
    (raw.apiKeys as unknown[]).forEach((k, i) => {
      if (typeof k !== 'string' || k === '') fail(['apiKeys', i], 'empty api key');
      if (/\s/.test(k as string)) fail(['apiKeys', i], 'an API key cannot contain spaces');
    });
    if ((raw.apiKeys as unknown[]).length > 0) out.api_keys = raw.apiKeys;
  }
  out.list_aliases = raw.includeAliasesInList === true;
  if (raw.globalConcurrencyLimit != null) out.global_concurrency_limit = int(['globalConcurrencyLimit'], raw.globalConcurrencyLimit, 0);
  if (raw.sendLoadingState != null) out.send_loading_state = raw.sendLoadingState === true;
  out.models = models;
  return { config: out, ignored, notes };
}

function translateModel(id: string, m: Obj, at: YamlPath, globalMacros: Macro[], fail: (p: YamlPath, msg: string, at?: 'key' | 'value') => never, ignored: string[]): { model: Obj; usesPort: boolean } {
  const model: Obj = {};
  for (const key of Object.keys(m)) {
    if (LOADOUT_MODEL.has(key)) model[key] = m[key];
    else if (!HONOURED_MODEL.has(key)) ignored.push(`models.${id}.${key}`);
  }
  const macros = mergeMacros(id, globalMacros, readMacros(m.macros, [...at, 'macros'], fail));
  const text = (key: string): string | null => {
    const v = m[key];
    if (v == null) return null;
    if (typeof v !== 'string') return fail([...at, key], 'expected a string');
    return applyMacros(v, macros);
  };
  const cmd = text('cmd');
  if (!cmd) return fail([...at, 'cmd'], 'required: the command that starts this model', 'key');
  model.cmd = stripCommentLines(cmd);
  const usesPort = cmd.includes('${PORT}');
  const check = (key: string, value: string, allowed: string[]) => {
    const left = leftoverMacros(value, allowed)[0];
    if (left !== undefined) fail([...at, key], `unknown macro '\${${left}}' in ${id}.${key}`);
  };
  check('cmd', cmd, ['PORT']);

  const cmdStop = text('cmdStop');
  if (cmdStop) {
    check('cmdStop', cmdStop, ['PORT', 'PID']);
    model.cmd_stop = stripCommentLines(cmdStop);
  }
  const proxy = text('proxy');
  if (proxy !== null) {
    check('proxy', proxy, ['PORT']);
    if (proxy.includes('${PORT}') && !usesPort) fail([...at, 'proxy'], 'proxy uses ${PORT} but cmd does not; ${PORT} is only available when cmd uses it');
    if (!DEFAULT_PROXIES.has(proxy.replace(/\/$/, ''))) model.proxy = proxy.replace(/\/$/, '');
  } else if (!usesPort) {
    fail([...at, 'cmd'], 'the default proxy is http://localhost:${PORT}, but cmd does not use ${PORT}; use ${PORT} in cmd or set proxy');
  }
  const checkEndpoint = text('checkEndpoint');
  if (checkEndpoint !== null) {
    check('checkEndpoint', checkEndpoint, []);
    model.health = checkEndpoint === 'none' ? 'none' : checkEndpoint.startsWith('/') ? checkEndpoint : `/${checkEndpoint}`;
  }
  if (m.ttl != null) {
    if (typeof m.ttl !== 'number' || !Number.isInteger(m.ttl) || m.ttl < -1) fail([...at, 'ttl'], 'expected -1 (globalTTL), 0 (never) or seconds');
    if ((m.ttl as number) >= 0) model.ttl = m.ttl;
  }
  if (m.unloadTimeout != null && m.unloadTimeout !== 0) model.stop_timeout = m.unloadTimeout;
  if (m.env != null) model.env = envList(m.env, [...at, 'env'], fail);
  if (m.aliases != null) {
    if (!Array.isArray(m.aliases)) fail([...at, 'aliases'], 'expected a list');
    model.aliases = (m.aliases as unknown[]).map((a, i) => {
      if (isObj(a)) for (const k of Object.keys(a)) if (k !== 'id') ignored.push(`models.${id}.aliases[${i}].${k}`);
      const alias = isObj(a) ? a.id : a;
      if (typeof alias !== 'string' || alias === '') return fail([...at, 'aliases', i], 'expected an alias id');
      return applyMacros(alias, macros);
    });
  }
  if (m.useModelName != null) model.use_model_name = String(m.useModelName);
  if (m.unlisted != null) model.unlisted = m.unlisted === true;
  const name = text('name');
  if (name !== null) {
    check('name', name, []);
    model.display_name = name;
  }
  const description = text('description');
  if (description !== null) {
    check('description', description, []);
    model.description = description;
  }
  if (m.concurrencyLimit != null && m.concurrencyLimit !== 0) model.concurrency_limit = m.concurrencyLimit;
  if (m.sendLoadingState != null) model.send_loading_state = m.sendLoadingState === true;
  if (m.filters != null) model.filters = filters(id, m.filters, [...at, 'filters'], macros, fail, ignored);
  return { model, usesPort };
}

function filters(id: string, f: unknown, at: YamlPath, macros: Macro[], fail: (p: YamlPath, msg: string) => never, ignored: string[]): Obj {
  if (!isObj(f)) return fail(at, 'expected a map (stripParams, setParams)');
  const out: Obj = {};
  for (const key of Object.keys(f)) if (!['stripParams', 'strip_params', 'setParams'].includes(key)) ignored.push(`models.${id}.filters.${key}`);
  const strip = f.stripParams ?? f.strip_params;
  if (strip != null) {
    if (typeof strip !== 'string') return fail([...at, 'stripParams'], 'expected a comma-separated string');
    const expanded = applyMacros(strip, macros);
    const left = leftoverMacros(expanded)[0];
    if (left !== undefined) fail([...at, 'stripParams'], `unknown macro '\${${left}}' in ${id}.filters.stripParams`);
    out.strip_params = expanded;
  }
  if (f.setParams != null) {
    if (!isObj(f.setParams)) return fail([...at, 'setParams'], 'expected a map of parameter → value');
    out.set_params = f.setParams;
  }
  return out;
}

function readMacros(v: unknown, at: YamlPath, fail: (p: YamlPath, msg: string, at?: 'key' | 'value') => never): Macro[] {
  if (v == null) return [];
  if (!isObj(v)) return fail(at, 'expected a map of name → value');
  return Object.entries(v).map(([name, value]) => {
    const problem = macroProblem(name, value);
    if (problem) fail([...at, name], problem, 'key');
    return { name, value: value as Macro['value'] };
  });
}

function envList(v: unknown, at: YamlPath, fail: (p: YamlPath, msg: string) => never): Record<string, string> {
  if (!Array.isArray(v)) return fail(at, 'expected a list of "NAME=value"');
  const env: Record<string, string> = {};
  v.forEach((item, i) => {
    const m = typeof item === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item) : null;
    if (!m) return fail([...at, i], 'expected "NAME=value"');
    env[m[1]!] = m[2]!;
  });
  return env;
}

function readGroups(raw: Obj, models: string[], fail: (p: YamlPath, msg: string, at?: 'key' | 'value') => never, ignored: string[]): Record<string, SwapGroup> {
  const routing = isObj(raw.routing) ? raw.routing : {};
  const router = isObj(routing.router) ? routing.router : {};
  const settings = isObj(router.settings) ? router.settings : {};
  if (router.use != null && router.use !== 'group') ignored.push('routing.router.use');
  for (const key of Object.keys(routing)) if (key !== 'router') ignored.push(`routing.${key}`);
  for (const key of Object.keys(settings)) if (key !== 'groups') ignored.push(`routing.router.settings.${key}`);
  const [groups, at]: [unknown, YamlPath] = raw.groups != null ? [raw.groups, ['groups']] : [settings.groups, ['routing', 'router', 'settings', 'groups']];
  if (groups == null) return {};
  if (!isObj(groups)) return fail(at, 'expected a map of group id → { members, swap, exclusive, persistent }');
  const out: Record<string, SwapGroup> = {};
  const memberOf = new Map<string, string>();
  for (const [id, g] of Object.entries(groups)) {
    if (!isObj(g)) return fail([...at, id], 'expected a map with members');
    const flag = (k: string, d: boolean): boolean => {
      if (g[k] == null) return d;
      if (typeof g[k] !== 'boolean') return fail([...at, id, k], 'expected true or false');
      return g[k] as boolean;
    };
    if (!Array.isArray(g.members)) return fail([...at, id, 'members'], 'required: a list of model ids', 'key');
    const members = (g.members as unknown[]).map((m, i) => {
      const name = String(m);
      if (!models.includes(name)) fail([...at, id, 'members', i], `unknown model "${name}"`);
      const other = memberOf.get(name);
      if (other) fail([...at, id, 'members', i], `model ${name} is in two groups: ${other} and ${id}`);
      memberOf.set(name, id);
      return name;
    });
    out[id] = { swap: flag('swap', true), exclusive: flag('exclusive', true), persistent: flag('persistent', false), members };
  }
  return out;
}

/** `${env.VAR}` everywhere, as llama-swap does before it reads anything else. */
function expandEnvDeep(v: unknown, at: YamlPath, env: Record<string, string | undefined>, fail: (p: YamlPath, msg: string) => never): unknown {
  if (typeof v === 'string') {
    const r = expandEnv(v, env);
    return r.ok ? r.text : fail(at, `environment variable '${r.missing}' is not set`);
  }
  if (Array.isArray(v)) return v.map((x, i) => expandEnvDeep(x, [...at, i], env, fail));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandEnvDeep(x, [...at, k], env, fail)]));
  return v;
}

/** llama-swap drops lines of cmd whose first non-blank character is `#`. */
function stripCommentLines(cmd: string): string {
  return cmd
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .trim();
}
