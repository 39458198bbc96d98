import type { ModelView } from '../../shared/model-view.js';
import type { WatchdogSettingsView, WatchdogPatch } from '../../shared/settings.js';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../shared/units.js';
import type { WatchdogSettings } from './config/types.js';
import type { ModelSlot } from './model-slot.js';
import { idleDeadline } from './watchdog/policy.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function modelView(slot: ModelSlot, settings: WatchdogSettings, vram: number | null, estimate: number | null): ModelView {
  const inst = slot.instance;
  const c = slot.config;
  const state = inst && inst.state !== 'stopped' ? inst.state : slot.reserved || slot.pending ? 'starting' : slot.lastError ? 'failed' : 'stopped';
  const deadline = inst && inst.state === 'ready'
    ? idleDeadline({ state: 'ready', pinned: c.pinned, inflight: inst.inflight, idleSince: inst.idleSince, ttlMs: c.ttlMs }, settings)
    : null;
  return {
    name: c.name,
    state,
    pinned: c.pinned,
    groups: [...c.groups],
    pid: inst?.pid ?? null,
    port: inst?.port ?? null,
    inflight: inst?.inflight ?? 0,
    loaded_at: iso(inst?.loadedAt ?? null),
    last_used_at: iso(inst ? inst.lastUsedAt : null),
    idle_deadline: iso(deadline),
    vram_bytes: inst ? vram : null,
    error: slot.lastError,
    aliases: [...c.aliases],
    backend: c.backend,
    vram_estimate_bytes: estimate,
  };
}

export function settingsView(s: WatchdogSettings): WatchdogSettingsView {
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
  };
}

/** Applies a validated patch (YAML or API spelling) to settings. */
export function applyWatchdogPatch(s: WatchdogSettings, p: WatchdogPatch): WatchdogSettings {
  const d = (v: string | number | undefined, cur: number) => (v === undefined ? cur : (parseDuration(v) ?? cur));
  return {
    intervalMs: d(p.interval, s.intervalMs),
    idleCheck: p.idle_check ?? s.idleCheck,
    idleTimeoutMs: d(p.idle_timeout, s.idleTimeoutMs),
    busyCheck: p.busy_check ?? s.busyCheck,
    busyTimeoutMs: d(p.busy_timeout, s.busyTimeoutMs),
    maxActive: p.max_active ?? s.maxActive,
    memoryReclaimer: p.memory_reclaimer ?? s.memoryReclaimer,
    memoryThreshold: p.memory_threshold ?? s.memoryThreshold,
    vramHeadroomBytes: p.vram_headroom === undefined ? s.vramHeadroomBytes : (parseSize(p.vram_headroom) ?? s.vramHeadroomBytes),
    forceEvictionWhenBusy: p.force_eviction_when_busy ?? s.forceEvictionWhenBusy,
    evictionRetries: p.eviction_retries ?? s.evictionRetries,
    evictionRetryIntervalMs: d(p.eviction_retry_interval, s.evictionRetryIntervalMs),
    stopTimeoutMs: d(p.stop_timeout, s.stopTimeoutMs),
    healthTimeoutMs: d(p.health_timeout, s.healthTimeoutMs),
  };
}

/** The keys whose effective value differs. */
export function changedSettings(a: WatchdogSettings, b: WatchdogSettings): (keyof WatchdogSettingsView)[] {
  const va = settingsView(a);
  const vb = settingsView(b);
  return (Object.keys(va) as (keyof WatchdogSettingsView)[]).filter((k) => va[k] !== vb[k]);
}
