import type { ModelView, RequestStatsView } from '../../shared/model-view.js';
import type { WatchdogSettingsView } from '../../shared/settings.js';
import { watchdogView } from './config/watchdog-settings.js';
import type { GgufFacts, ModelConfig, WatchdogSettings } from './config/types.js';
import type { ModelSlot } from './model-slot.js';

import { idleDeadline } from './watchdog/policy.js';
import { NO_STATS } from './stats/request-stats.js';

/** Date.prototype.toISOString throws a RangeError past ±8.64e15 ms; such a time is shown as unknown. */
const MAX_DATE_MS = 8.64e15;
/** One model's out-of-range time must never turn the whole list into a 500 (issue 8). */
const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS ? null : new Date(ms).toISOString());

/** `etaMs` is asked only for a starting model (it hashes the launch config). */
export function modelView(slot: ModelSlot, settings: WatchdogSettings, vram: number | null, estimate: number | null, now: number, ram: number | null = null, stats: RequestStatsView = NO_STATS, etaMs: () => number | null = () => null): ModelView {
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
    queued: slot.queued,
    cooldown_until: slot.cooldown && slot.cooldown.until > now ? iso(slot.cooldown.until) : null,
    ram_bytes: inst ? ram : null,
    source: SOURCE[c.sourceKind],
    model_file: c.model,
    mmproj: c.mmproj ?? null,
    gguf: c.gguf ? ggufInfo(c.gguf) : null,
    stats,
    ...loadProgress(slot, state === 'starting', etaMs),
  };
}

/** The load in progress: since when, how long it should take, how far it is, what it waits for. */
function loadProgress(slot: ModelSlot, starting: boolean, etaMs: () => number | null): Pick<ModelView, 'load_started_at' | 'load_eta_ms' | 'load_progress' | 'load_waiting_for'> {
  if (!starting) return { load_started_at: null, load_eta_ms: null, load_progress: null, load_waiting_for: [] };
  const inst = slot.instance?.state === 'starting' ? slot.instance : null;
  return {
    // The backend's own start once it is spawned (what the ETA measures); before that, the wait for room.
    load_started_at: iso(inst ? inst.startedAt : slot.loadSince),
    load_eta_ms: etaMs(),
    load_progress: inst?.progress ?? null,
    load_waiting_for: inst ? [] : [...(slot.contention?.blockedBy ?? [])],
  };
}

const SOURCE: Record<ModelConfig['sourceKind'], ModelView['source']> = { main: 'config', models_dir: 'models_dir', discovered: 'discovered' };

function ggufInfo(g: GgufFacts): NonNullable<ModelView['gguf']> {
  return {
    files: [...g.files],
    size_bytes: g.sizeBytes,
    architecture: g.architecture,
    parameters: g.parameterCount,
    quantization: g.quantization,
    context_length: g.contextLength,
  };
}

/** The keys whose effective value differs. */
export function changedSettings(a: WatchdogSettings, b: WatchdogSettings): (keyof WatchdogSettingsView)[] {
  const va = watchdogView(a);
  const vb = watchdogView(b);
  return (Object.keys(va) as (keyof WatchdogSettingsView)[]).filter((k) => va[k] !== vb[k]);
}
