import { YamlSource, type YamlPath } from '../yaml-source.js';
import { translateLlamaSwap, type Translation } from './translate.js';

/** Loadout key → the llama-swap key it came from, for errors found after translation. */
const MODEL_KEYS: Record<string, string> = {
  cmd_stop: 'cmdStop', health: 'checkEndpoint', use_model_name: 'useModelName', display_name: 'name',
  concurrency_limit: 'concurrencyLimit', stop_timeout: 'unloadTimeout', concurrency_groups: 'cmd', send_loading_state: 'sendLoadingState',
};
const WATCHDOG_KEYS: Record<string, string> = { health_timeout: 'healthCheckTimeout', idle_timeout: 'globalTTL', stop_timeout: 'unloadTimeout' };
const TOP_KEYS: Record<string, string> = {
  api_keys: 'apiKeys', list_aliases: 'includeAliasesInList', global_concurrency_limit: 'globalConcurrencyLimit', send_loading_state: 'sendLoadingState',
};

/**
 * A llama-swap config file read as Loadout's: `value()` is the translation, and errors found in it
 * are located at the llama-swap key they came from, in the user's own file.
 */
export class LlamaSwapSource extends YamlSource {
  readonly translation: Translation;

  constructor(file: string, text: string, env: Record<string, string | undefined>) {
    super(file, text);
    this.translation = translateLlamaSwap(new YamlSource(file, text), env);
  }

  override value(): unknown {
    return this.translation.config;
  }

  override errorAt(path: YamlPath, message: string, at: 'key' | 'value' = 'value') {
    return super.errorAt(toLlamaSwapPath(path, this), message, at);
  }

  override locate(path: YamlPath) {
    return super.locate(toLlamaSwapPath(path, this));
  }

  /** The path as written in the file, without the translation's key mapping. */
  locateRaw(path: YamlPath) {
    return super.locate(path);
  }
}

function toLlamaSwapPath(path: YamlPath, source: LlamaSwapSource): YamlPath {
  const [top, name, key, ...rest] = path;
  if (top === 'models' && typeof name === 'string' && typeof key === 'string' && MODEL_KEYS[key] && !source.locateRaw(path)) {
    return ['models', name, MODEL_KEYS[key]!, ...rest];
  }
  if (top === 'watchdog' && typeof name === 'string' && WATCHDOG_KEYS[name] && !source.locateRaw(path)) return [WATCHDOG_KEYS[name]!];
  if (typeof top === 'string' && TOP_KEYS[top]) return [TOP_KEYS[top]!, ...path.slice(1)];
  return path;
}
