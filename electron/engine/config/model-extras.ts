import { CommandLineError, splitCommandLine, usedMacros } from '../backends/command-line.js';
import { parseDuration } from '../../../shared/units.js';
import type { ModelEntry } from './config-schema.js';
import type { LaunchOptions, ModelConfig, RequestRules } from './types.js';
import type { YamlPath } from './yaml-source.js';

type Fail = (key: YamlPath, message: string) => never;

const STOP_MACROS = new Set(['PID', 'PORT', 'NAME', 'MODEL']);

/** The optional launch, stop and request settings of one model entry; `fail` throws a located error. */
export function modelExtras(entry: ModelEntry, fail: Fail): Pick<ModelConfig, 'preload' | 'launch' | 'requests' | 'displayName' | 'description' | 'sendLoadingState'> {
  const out: Pick<ModelConfig, 'preload' | 'launch' | 'requests' | 'displayName' | 'description' | 'sendLoadingState'> = {};
  if (entry.preload) out.preload = true;
  if (entry.display_name != null) out.displayName = entry.display_name;
  if (entry.description != null) out.description = entry.description;
  if (entry.send_loading_state != null) out.sendLoadingState = entry.send_loading_state;
  const launch = launchOptions(entry, fail);
  if (launch) out.launch = launch;
  const requests = requestRules(entry);
  if (requests) out.requests = requests;
  return out;
}

function launchOptions(entry: ModelEntry, fail: Fail): LaunchOptions | null {
  const launch: LaunchOptions = {};
  if (entry.cmd_stop) {
    try {
      if (splitCommandLine(entry.cmd_stop).length === 0) fail(['cmd_stop'], 'the command is empty');
    } catch (e) {
      if (!(e instanceof CommandLineError)) throw e;
      fail(['cmd_stop'], e.message);
    }
    const bad = usedMacros(entry.cmd_stop).find((m) => !STOP_MACROS.has(m) && !/^env\.[A-Za-z_][A-Za-z0-9_]*$/.test(m));
    if (bad !== undefined) fail(['cmd_stop'], `unknown macro \${${bad}}; known: \${PID}, \${PORT}, \${NAME}, \${MODEL}, \${env.VAR}`);
    launch.stopCmd = entry.cmd_stop;
  }
  if (entry.proxy) {
    const problem = proxyProblem(entry.proxy);
    if (problem) fail(['proxy'], problem);
    launch.proxy = entry.proxy;
  }
  if (entry.port != null) launch.port = entry.port;
  if (entry.health === 'none') launch.healthCheck = false;
  if (entry.stop_timeout != null) launch.stopTimeoutMs = parseDuration(entry.stop_timeout);
  return Object.keys(launch).length > 0 ? launch : null;
}

/** Why `proxy` cannot be used as an upstream base URL, or null. */
export function proxyProblem(proxy: string): string | null {
  const bad = usedMacros(proxy).find((m) => m !== 'PORT');
  if (bad !== undefined) return `unknown macro \${${bad}} in proxy; only \${PORT} may be used`;
  let url: URL;
  try {
    url = new URL(proxy.replaceAll('${PORT}', '1'));
  } catch {
    return `not a URL: ${proxy}`;
  }
  if (url.protocol !== 'http:') return `only http:// upstreams are supported, got ${url.protocol}`;
  if (url.pathname !== '/' && url.pathname !== '') return `a proxy URL with a path (${url.pathname}) is not supported; give scheme, host and port`;
  return null;
}

function requestRules(entry: ModelEntry): RequestRules | null {
  const strip = entry.filters?.strip_params;
  const stripParams = [...new Set((typeof strip === 'string' ? strip.split(',') : strip ?? []).map((p) => p.trim()))]
    .filter((p) => p !== '' && p !== 'model')
    .sort();
  const setParams = Object.fromEntries(Object.entries(entry.filters?.set_params ?? {}).filter(([k]) => k.replace(/\?$/, '') !== 'model'));
  const rules: RequestRules = {
    useModelName: entry.use_model_name ?? null,
    concurrencyLimit: entry.concurrency_limit ?? 0,
    stripParams,
    setParams,
  };
  const empty = !rules.useModelName && rules.concurrencyLimit === 0 && stripParams.length === 0 && Object.keys(setParams).length === 0;
  return empty ? null : rules;
}
