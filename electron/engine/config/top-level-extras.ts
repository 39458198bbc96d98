import { CommandLineError, splitCommandLine } from '../backends/command-line.js';
import { parseDuration } from '../../../shared/units.js';
import { ConfigInvalid } from './config-invalid.js';
import type { MainConfigYaml } from './config-schema.js';
import { HOOK_NAMES, type HooksConfig, type LoadoutConfig } from './types.js';
import type { YamlSource } from './yaml-source.js';

/** A hook is bounded: one that hangs is killed after this long. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

type TopLevelKeys = 'apiKeys' | 'allowedHosts' | 'listAliases' | 'globalConcurrencyLimit' | 'hooks';

/** `api_keys`, `allowed_hosts`, `list_aliases`, `global_concurrency_limit` and `hooks`, resolved; throws ConfigInvalid. */
export function topLevelExtras(source: YamlSource, y: MainConfigYaml): Pick<LoadoutConfig, TopLevelKeys> {
  const out: Pick<LoadoutConfig, TopLevelKeys> = {};
  if (y.api_keys && y.api_keys.length > 0) out.apiKeys = [...y.api_keys];
  // Host headers are compared lower-cased; duplicates are harmless but dropped.
  if (y.allowed_hosts && y.allowed_hosts.length > 0) out.allowedHosts = [...new Set(y.allowed_hosts.map((h) => h.toLowerCase()))];
  if (y.list_aliases != null) out.listAliases = y.list_aliases;
  if (y.global_concurrency_limit) out.globalConcurrencyLimit = y.global_concurrency_limit;
  if (y.hooks) out.hooks = hooks(source, y.hooks);
  return out;
}

function hooks(source: YamlSource, h: NonNullable<MainConfigYaml['hooks']>): HooksConfig {
  const commands: HooksConfig['commands'] = {};
  for (const name of HOOK_NAMES) {
    const v = h[name];
    if (v == null) continue;
    const list = typeof v === 'string' ? [v] : v;
    list.forEach((cmd, i) => {
      try {
        if (splitCommandLine(cmd).length === 0) throw new CommandLineError('the command is empty');
      } catch (e) {
        if (!(e instanceof CommandLineError)) throw e;
        throw new ConfigInvalid(source.errorAt(typeof v === 'string' ? ['hooks', name] : ['hooks', name, i], e.message));
      }
    });
    commands[name] = list;
  }
  return { timeoutMs: h.timeout == null ? DEFAULT_HOOK_TIMEOUT_MS : parseDuration(h.timeout)!, commands };
}
