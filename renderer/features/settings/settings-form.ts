import { MAX_DURATION_MS, parseDuration, parseSize } from '../../../shared/units.js';
import type { WatchdogPatch, WatchdogSettingsView } from '../../../shared/settings.js';

export type SettingKey = keyof WatchdogSettingsView;
export type FieldKind = 'duration' | 'size' | 'bool' | 'count' | 'ratio';

export interface FieldSpec {
  kind: FieldKind;
  hint: string;
  min?: number;
  max?: number;
}

/** How each watchdog key is edited and checked; mirrors shared/settings.ts so most mistakes never leave the page. */
export const FIELDS: Record<SettingKey, FieldSpec> = {
  interval: { kind: 'duration', hint: 'How often the watchdog checks (at least 50ms)', min: 50 },
  idle_check: { kind: 'bool', hint: 'Unload models that served no request for the idle time' },
  idle_timeout: { kind: 'duration', hint: 'e.g. 15m; 0 disables' },
  busy_check: { kind: 'bool', hint: 'Stop a model whose request runs longer than the time set' },
  busy_timeout: { kind: 'duration', hint: 'e.g. 5m' },
  max_active: { kind: 'count', hint: 'Loaded models at most; 0 = unlimited', min: 0 },
  memory_reclaimer: { kind: 'bool', hint: 'Unload the least recently used model above the memory use set' },
  memory_threshold: { kind: 'ratio', hint: 'Fraction of memory, above 0 and at most 1' },
  vram_headroom: { kind: 'size', hint: 'Kept free when fitting a model, e.g. 512MiB' },
  force_eviction_when_busy: { kind: 'bool', hint: 'Unload models with requests in flight instead of waiting' },
  eviction_retries: { kind: 'count', hint: 'How many times a load waits for busy models', min: 0, max: 100_000 },
  eviction_retry_interval: { kind: 'duration', hint: 'Wait between those retries, e.g. 1s' },
  stop_timeout: { kind: 'duration', hint: 'SIGTERM, then SIGKILL after this' },
  health_timeout: { kind: 'duration', hint: 'A backend not healthy by then fails its load' },
  max_turn: { kind: 'duration', hint: 'While other models wait, a loaded model takes new requests this long; 0 = no limit' },
  load_failure_cooldown: { kind: 'duration', hint: 'After a failed start, requests are refused this long (doubles per failure)' },
  load_failure_cooldown_max: { kind: 'duration', hint: 'The longest cooldown, e.g. 5m' },
  health_check_interval: { kind: 'duration', hint: 'Probe loaded backends this often; 3 failures restart one; 0 = off' },
  drain_timeout: { kind: 'duration', hint: 'An unload waits this long for requests in flight, then stops anyway' },
};

/**
 * The keys in form order. Taken from FIELDS (exhaustive by its type) rather than shared's WATCHDOG_KEYS,
 * whose module also builds the zod schema and would pull zod into the page bundle.
 */
export const SETTING_KEYS = Object.keys(FIELDS) as SettingKey[];

/** What the user typed or ticked, per key; keys not in the draft show the server's value. */
export type Draft = Partial<Record<SettingKey, string | boolean>>;

export function fieldValue(settings: WatchdogSettingsView, draft: Draft, key: SettingKey): string | boolean {
  const edited = draft[key];
  if (edited !== undefined) return edited;
  const v = settings[key];
  return typeof v === 'boolean' ? v : String(v);
}

type Parsed = { ok: true; value: string | number | boolean; norm: number | boolean } | { ok: false; error: string };

/** Checks one field the way the server's schema will; `norm` makes `900s` and `15m` compare equal. */
export function parseField(key: SettingKey, raw: string | boolean): Parsed {
  const spec = FIELDS[key];
  if (spec.kind === 'bool') return typeof raw === 'boolean' ? { ok: true, value: raw, norm: raw } : { ok: false, error: 'expected on or off' };
  const text = String(raw).trim();
  switch (spec.kind) {
    case 'duration': {
      const ms = parseDuration(text);
      if (ms === null) return { ok: false, error: 'Use a duration such as 500ms, 10s, 15m, 1h' };
      if (spec.min !== undefined && ms < spec.min) return { ok: false, error: `Must be at least ${spec.min}ms` };
      if (ms > MAX_DURATION_MS) return { ok: false, error: 'Must be at most 8760h (one year)' };
      return { ok: true, value: text, norm: ms };
    }
    case 'size': {
      const bytes = parseSize(text);
      if (bytes === null) return { ok: false, error: 'Use a size such as 512MiB, 6GiB or a number of bytes' };
      return { ok: true, value: text, norm: bytes };
    }
    case 'count': {
      if (!/^\d+$/.test(text)) return { ok: false, error: 'Use a whole number' };
      const n = Number(text);
      if (spec.max !== undefined && n > spec.max) return { ok: false, error: `At most ${spec.max}` };
      return { ok: true, value: n, norm: n };
    }
    case 'ratio': {
      const n = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n) || n <= 0 || n > 1) return { ok: false, error: 'Use a number above 0 and at most 1, e.g. 0.95' };
      return { ok: true, value: n, norm: n };
    }
  }
  return { ok: false, error: 'unknown field' };
}

export interface PatchResult {
  patch: WatchdogPatch;
  errors: Partial<Record<SettingKey, string>>;
  changed: SettingKey[];
}

/** The keys whose edited value differs from the server's, ready for `settings.update`, plus any field errors. */
export function buildPatch(settings: WatchdogSettingsView, draft: Draft): PatchResult {
  const patch: Record<string, string | number | boolean> = {};
  const errors: Partial<Record<SettingKey, string>> = {};
  const changed: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    const raw = draft[key];
    if (raw === undefined) continue;
    const next = parseField(key, raw);
    if (!next.ok) {
      errors[key] = next.error;
      continue;
    }
    const current = parseField(key, fieldValue(settings, {}, key));
    if (current.ok && current.norm === next.norm) continue;
    patch[key] = next.value;
    changed.push(key);
  }
  return { patch: patch as WatchdogPatch, errors, changed };
}
