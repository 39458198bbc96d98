import type { WatchdogSettingsView } from './settings.js';

/**
 * What each watchdog setting is called in words. The one table: the settings form labels its fields
 * with it (the YAML key shown small beside), and event sentences name changed settings by it.
 */
export const SETTING_LABELS: Record<keyof WatchdogSettingsView, string> = {
  interval: 'Check models every',
  idle_check: 'Unload idle models',
  idle_timeout: 'Unload after idle for',
  busy_check: 'Stop stuck models',
  busy_timeout: 'Stuck after a request runs for',
  max_active: 'Models loaded at most',
  memory_reclaimer: 'Unload models when memory runs low',
  memory_threshold: 'Memory use that counts as low',
  vram_headroom: 'Memory kept free',
  force_eviction_when_busy: 'Unload busy models to make room',
  eviction_retries: 'Times a load waits for busy models',
  eviction_retry_interval: 'Wait between those tries',
  stop_timeout: 'Time to stop before a forced kill',
  health_timeout: 'Time a backend has to start',
  max_turn: 'Longest turn while other models wait',
  load_failure_cooldown: 'Pause after a failed start',
  load_failure_cooldown_max: 'Longest pause after failed starts',
  health_check_interval: 'Check loaded backends every',
  drain_timeout: 'Wait for requests before unloading',
};

/** The label of a setting key; an unknown key (from a newer or older version) is shown as is. */
export function settingLabel(key: string): string {
  return (SETTING_LABELS as Record<string, string | undefined>)[key] ?? key;
}
