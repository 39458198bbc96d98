import type { WatchdogPatch, WatchdogSettingsView } from '../../../shared/settings.js';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../../shared/units.js';
import type { WatchdogSettings } from './types.js';

// The YAML / API spelling (snake_case, `15m`) and the engine's (camelCase, ms and bytes) of the
// same settings. Both directions live together so they cannot drift apart.

/** `base` with a validated patch (from `watchdogPatchSchema`) applied. */
export function applyWatchdogPatch(base: WatchdogSettings, patch: WatchdogPatch): WatchdogSettings {
  const ms = (v: string | number | undefined, fallback: number) => (v === undefined ? fallback : parseDuration(v) ?? fallback);
  const bytes = (v: string | number | undefined, fallback: number) => (v === undefined ? fallback : parseSize(v) ?? fallback);
  return {
    intervalMs: ms(patch.interval, base.intervalMs),
    idleCheck: patch.idle_check ?? base.idleCheck,
    idleTimeoutMs: ms(patch.idle_timeout, base.idleTimeoutMs),
    busyCheck: patch.busy_check ?? base.busyCheck,
    busyTimeoutMs: ms(patch.busy_timeout, base.busyTimeoutMs),
    maxActive: patch.max_active ?? base.maxActive,
    memoryReclaimer: patch.memory_reclaimer ?? base.memoryReclaimer,
    memoryThreshold: patch.memory_threshold ?? base.memoryThreshold,
    vramHeadroomBytes: bytes(patch.vram_headroom, base.vramHeadroomBytes),
    forceEvictionWhenBusy: patch.force_eviction_when_busy ?? base.forceEvictionWhenBusy,
    evictionRetries: patch.eviction_retries ?? base.evictionRetries,
    evictionRetryIntervalMs: ms(patch.eviction_retry_interval, base.evictionRetryIntervalMs),
    stopTimeoutMs: ms(patch.stop_timeout, base.stopTimeoutMs),
    healthTimeoutMs: ms(patch.health_timeout, base.healthTimeoutMs),
    maxTurnMs: ms(patch.max_turn, base.maxTurnMs),
    loadFailureCooldownMs: ms(patch.load_failure_cooldown, base.loadFailureCooldownMs),
    loadFailureCooldownMaxMs: ms(patch.load_failure_cooldown_max, base.loadFailureCooldownMaxMs),
    healthCheckIntervalMs: ms(patch.health_check_interval, base.healthCheckIntervalMs),
    drainTimeoutMs: ms(patch.drain_timeout, base.drainTimeoutMs),
  };
}

/** The settings as `GET /api/settings` and the config file spell them. */
export function watchdogView(s: WatchdogSettings): WatchdogSettingsView {
  return {
    interval: formatDuration(s.intervalMs),
    idle_check: s.idleCheck,
    idle_timeout: formatDuration(s.idleTimeoutMs),
    busy_check: s.busyCheck,
    busy_timeout: formatDuration(s.busyTimeoutMs),
    max_active: s.maxActive,
    memory_reclaimer: s.memoryReclaimer,
    memory_threshold: s.memoryThreshold,
    vram_headroom: formatSize(s.vramHeadroomBytes),
    force_eviction_when_busy: s.forceEvictionWhenBusy,
    eviction_retries: s.evictionRetries,
    eviction_retry_interval: formatDuration(s.evictionRetryIntervalMs),
    stop_timeout: formatDuration(s.stopTimeoutMs),
    health_timeout: formatDuration(s.healthTimeoutMs),
    max_turn: formatDuration(s.maxTurnMs),
    load_failure_cooldown: formatDuration(s.loadFailureCooldownMs),
    load_failure_cooldown_max: formatDuration(s.loadFailureCooldownMaxMs),
    health_check_interval: formatDuration(s.healthCheckIntervalMs),
    drain_timeout: formatDuration(s.drainTimeoutMs),
  };
}
