import type { EventType, EvictionReason, LoadoutEvent, RefusalReason, StartFailureCode, StartTrigger, StopReason } from './events.js';
import { settingLabel } from './setting-labels.js';
import { humanBytes } from './units.js';

/**
 * Events as sentences (issue 10: words, not codes). One pure function for every face: the dashboard's
 * timeline, `loadout events` and desktop notifications. The raw `type` and `reason` stay on the event
 * for filters and scripts; `message` keeps the engine's full detail, shown on expand.
 */
export function eventSentence(e: LoadoutEvent): string {
  const m = e.model ?? 'a model';
  switch (e.type) {
    case 'model_starting':
      return `Loading ${m} ${pick(TRIGGER_WORDS, e.data.trigger, '')}`.trimEnd();
    case 'model_ready':
      return `${m} is ready (loaded in ${spokenDuration(e.data.load_ms)})`;
    case 'model_evicted':
      return evictedSentence(m, e);
    case 'model_stopped':
      return stoppedSentence(m, e);
    case 'model_failed': {
      if (e.data.code === 'aborted') return `Loading ${m} ${START_FAILURE_WORDS.aborted}`;
      const detail = firstLine(stripPrefix(e.message, `${m} failed to start: `)) || pick(START_FAILURE_WORDS, e.data.code, '');
      const how = e.data.exit_code !== null ? ` (exit ${e.data.exit_code})` : e.data.signal ? ` (killed by ${e.data.signal})` : '';
      return `${m} failed to start${how}${detail ? `: ${detail}` : ''}`;
    }
    case 'load_refused':
      return `Loading ${m} was refused: ${refusalWords(e)}`;
    case 'model_pinned':
      return `${m} was pinned: it stays loaded`;
    case 'model_unpinned':
      return `${m} was unpinned: the usual rules may unload it again`;
    case 'config_reloaded':
      return `The config was reloaded from ${e.data.file} (${plural(e.data.models, 'model')})`;
    case 'config_invalid': {
      const where = [e.data.file, e.data.line !== null ? `line ${e.data.line}` : '', e.data.key ? `key ${e.data.key}` : ''].filter(Boolean).join(', ');
      return `A config edit was not applied (error in ${where}); the last good config keeps running`;
    }
    case 'config_warning': {
      const w = e.data.warnings;
      if (w.length === 0) return 'The config has no warnings any more';
      if (w.length === 1) return `The config has a warning: ${firstLine(w[0]!)}`;
      return `The config has ${w.length} warnings, the first: ${firstLine(w[0]!)}`;
    }
    case 'settings_changed': {
      const parts = e.data.changed.map((k) => (k in e.data ? `${settingLabel(k)} is now ${String(e.data[k])}` : `${settingLabel(k)} changed`));
      return `Settings changed: ${parts.join('; ')}`;
    }
    case 'orphans_reaped':
      return `Stopped ${plural(e.data.pids.length, 'backend')} left over from the last run`;
    default:
      return unknownType(e);
  }
}

/**
 * Exhaustive like `assertNever` (a new type without a sentence does not compile), but an event of a
 * type this build does not know (a newer Loadout wrote the log) shows its message instead of throwing.
 */
function unknownType(e: never): string {
  return String((e as { message?: unknown }).message ?? '');
}

/** Short words for each event type (filter options, notification titles). */
export const EVENT_TYPE_WORDS: Record<EventType, string> = {
  model_starting: 'Loading',
  model_ready: 'Ready',
  model_evicted: 'Unloaded by a rule',
  model_stopped: 'Stopped',
  model_failed: 'Failed to start',
  load_refused: 'Load refused',
  model_pinned: 'Pinned',
  model_unpinned: 'Unpinned',
  config_reloaded: 'Config reloaded',
  config_invalid: 'Config error',
  config_warning: 'Config warning',
  settings_changed: 'Settings changed',
  orphans_reaped: 'Leftovers stopped',
};

export const TRIGGER_WORDS: Record<StartTrigger, string> = {
  api: '(asked through the API)',
  request: 'for a request',
  tray: '(asked from the tray)',
  preload: '(preloaded at start)',
  ui: '(asked from the dashboard)',
  cli: '(asked from the command line)',
  pinned: 'because it is pinned',
};

export const EVICTION_WORDS: Record<EvictionReason, string> = {
  lru: 'least recently used, with the most models loaded',
  group: 'same group',
  idle: 'idle',
  busy_timeout: 'a request ran too long',
  memory: 'not enough free memory',
};

export const STOP_WORDS: Record<StopReason, string> = {
  manual: 'was unloaded',
  evicted: 'is stopped',
  shutdown: 'was stopped because Loadout shut down',
  exited: 'crashed',
  unhealthy: 'was stopped because it stopped answering',
};

export const REFUSAL_WORDS: Record<RefusalReason, string> = {
  pinned_conflict: 'pinned models hold what it needs',
  busy: 'the models in its way stayed busy',
  no_memory: 'not enough free memory',
  cooldown: 'it failed to start',
};

export const START_FAILURE_WORDS: Record<StartFailureCode, string> = {
  spawn_failed: 'could not be run',
  exited: 'exited while starting',
  health_timeout: 'did not become healthy in time',
  aborted: 'was cancelled',
};

function evictedSentence(m: string, e: Extract<LoadoutEvent, { type: 'model_evicted' }>): string {
  const d = e.data;
  const room = d.for ? ` to make room for ${d.for}` : '';
  switch (e.reason as EvictionReason) {
    case 'idle':
      return d.for_ms !== undefined ? `${m} stopped after ${spokenDuration(d.for_ms)} idle` : `${m} stopped after being idle`;
    case 'busy_timeout':
      return `${m} was stopped because a request ran${d.for_ms !== undefined ? ` for ${spokenDuration(d.for_ms)}` : ''} without finishing`;
    case 'group':
      return `${m} was unloaded${room} (same group${d.group ? ` ${d.group}` : ''})`;
    case 'lru':
      return `${m} was unloaded${room} (${EVICTION_WORDS.lru})`;
    case 'memory':
      return d.for ? `${m} was unloaded${room} (${EVICTION_WORDS.memory})` : `${m} was unloaded to free memory (memory use above the limit)`;
    default:
      return `${m} was unloaded${room}${e.reason ? ` (${e.reason})` : ''}`;
  }
}

function stoppedSentence(m: string, e: Extract<LoadoutEvent, { type: 'model_stopped' }>): string {
  const d = e.data;
  const cut = d.drained === false ? '; requests in flight were cut' : '';
  switch (e.reason as StopReason) {
    case 'exited': {
      const how = d.signal ? `killed by ${d.signal}` : `exit ${d.exit_code ?? '?'}`;
      const line = lastLine(d.log_tail ?? []);
      return `${m} crashed (${how})${line ? `: ${line}` : ''}`;
    }
    case 'unhealthy':
      return `${m} ${STOP_WORDS.unhealthy}${d.error ? `: ${firstLine(d.error)}` : ''}${cut}`;
    case 'evicted': {
      const freed = d.vram_before != null && d.vram_after != null ? ` (GPU memory ${humanBytes(d.vram_before)} → ${humanBytes(d.vram_after)})` : '';
      return `${m} ${STOP_WORDS.evicted}${freed}${cut}`;
    }
    case 'manual':
    case 'shutdown':
      return `${m} ${STOP_WORDS[e.reason as StopReason]}${cut}`;
    default:
      return `${m} stopped${e.reason ? ` (${e.reason})` : ''}${cut}`;
  }
}

function refusalWords(e: Extract<LoadoutEvent, { type: 'load_refused' }>): string {
  const b = e.data.blocking;
  switch (e.reason as RefusalReason) {
    case 'pinned_conflict':
      return b.length ? `${names(b)} ${b.length === 1 ? 'is' : 'are'} pinned and ${b.length === 1 ? 'holds' : 'hold'} what it needs` : REFUSAL_WORDS.pinned_conflict;
    case 'busy':
      return b.length ? `${names(b)} stayed busy too long` : REFUSAL_WORDS.busy;
    case 'no_memory':
      return `${REFUSAL_WORDS.no_memory}${b.length ? ` (held by ${names(b)})` : ''}`;
    case 'cooldown': {
      const times = e.data.failures && e.data.failures > 1 ? ` ${e.data.failures} times in a row` : '';
      return `${REFUSAL_WORDS.cooldown}${times}${e.data.retry_after_s !== undefined ? `; retry in ${e.data.retry_after_s} s` : ''}`;
    }
    default:
      return firstLine(e.message);
  }
}

/** `450 ms`, `12 s`, `3.2 s`, `15 min`, `1 h 5 min`. */
export function spokenDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'an unknown time';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

function pick<K extends string>(table: Record<K, string>, key: string, fallback: string): string {
  return (table as Record<string, string | undefined>)[key] ?? fallback;
}

function names(list: string[]): string {
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]!}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function stripPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** The first non-empty line, trimmed: the sentence stays one line, the full text is on expand. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

function lastLine(lines: string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l) return l;
  }
  return '';
}
