import { describe, expect, it } from 'vitest';
import { eventSentence, spokenDuration } from '../../../shared/event-text.js';
import {
  EVENT_TYPES, EVICTION_REASONS, REFUSAL_REASONS, START_FAILURE_CODES, START_TRIGGERS, STOP_REASONS,
  type EventDataMap, type EventType, type LoadoutEvent,
} from '../../../shared/events.js';
import { WATCHDOG_KEYS } from '../../../shared/settings.js';
import { SETTING_LABELS } from '../../../shared/setting-labels.js';

function ev<T extends EventType>(type: T, data: EventDataMap[T], reason: string | null = null, model: string | null = 'qwen3-8b', message = 'engine detail'): LoadoutEvent {
  return { seq: 1, at: '2026-11-26T21:00:00.000Z', type, model, reason, message, data } as LoadoutEvent;
}

/** One example per type; a type added to EVENT_TYPES without one fails the enumeration below. */
const SAMPLES: { [T in EventType]: LoadoutEvent } = {
  model_starting: ev('model_starting', { trigger: 'ui', instance: 1 }),
  model_ready: ev('model_ready', { pid: 42, port: 4000, load_ms: 3200, instance: 1 }),
  model_evicted: ev('model_evicted', { for: 'qwen3-8b', group: 'big', instance: 1 }, 'group', 'gemma3-27b'),
  model_stopped: ev('model_stopped', { exit_code: 0, signal: null, instance: 1 }, 'manual'),
  model_failed: ev('model_failed', { exit_code: 1, log_tail: ['error: cannot open model.gguf'], instance: 1, code: 'exited' }, 'exited', 'qwen3-8b', 'qwen3-8b failed to start: exited with code 1\nmore'),
  load_refused: ev('load_refused', { blocking: ['gemma3-27b'], for: 'qwen3-8b' }, 'pinned_conflict'),
  model_pinned: ev('model_pinned', {}),
  model_unpinned: ev('model_unpinned', {}),
  config_reloaded: ev('config_reloaded', { file: '/home/u/.config/loadout/config.yaml', models: 3 }, null, null),
  config_invalid: ev('config_invalid', { file: '/c.yaml', line: 7, column: 3, key: 'watchdog.idle_timeout' }, null, null),
  config_warning: ev('config_warning', { warnings: ['c.yaml: unknown key foo'] }, null, null),
  settings_changed: ev('settings_changed', { changed: ['idle_timeout'], idle_timeout: '10m' }, null, null),
  orphans_reaped: ev('orphans_reaped', { pids: [1, 2] }, null, null),
};

/** Codes that must not be what a person reads. */
const CODES = [...EVENT_TYPES, ...EVICTION_REASONS, ...REFUSAL_REASONS, ...START_FAILURE_CODES].filter((c) => c.includes('_') || c === 'lru');

function expectWords(sentence: string): void {
  expect(sentence.trim()).not.toBe('');
  expect(sentence).not.toContain('\n');
  for (const code of CODES) expect(sentence, `"${sentence}" shows the code ${code}`).not.toMatch(new RegExp(`\\b${code}\\b`));
}

describe('eventSentence', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('has a sentence for %s', (type) => {
    const sample = SAMPLES[type];
    expect(sample.type).toBe(type);
    const s = eventSentence(sample);
    expectWords(s);
    expect(s).not.toBe(sample.message);
  });

  it('says who was unloaded for whom and the shared group', () => {
    expect(eventSentence(SAMPLES.model_evicted)).toBe('gemma3-27b was unloaded to make room for qwen3-8b (same group big)');
  });

  it.each(EVICTION_REASONS.map((r) => [r]))('words the eviction reason %s', (reason) => {
    const s = eventSentence(ev('model_evicted', { for: reason === 'idle' || reason === 'busy_timeout' ? null : 'qwen3-8b', group: 'big', instance: 1, for_ms: 900_000 }, reason, 'gemma3-27b'));
    expectWords(s);
    expect(s).toMatch(/^gemma3-27b (was|stopped)/);
  });

  it('names how long an idle model sat unused', () => {
    expect(eventSentence(ev('model_evicted', { instance: 1, for_ms: 900_000 }, 'idle'))).toBe('qwen3-8b stopped after 15 min idle');
    expect(eventSentence(ev('model_evicted', { instance: 1 }, 'idle'))).toBe('qwen3-8b stopped after being idle');
  });

  it.each(STOP_REASONS.map((r) => [r]))('words the stop reason %s', (reason) => {
    const s = eventSentence(ev('model_stopped', { exit_code: 1, signal: null, instance: 1, log_tail: ['loading', 'CUDA error: out of memory', ''], error: 'connection refused' }, reason));
    expectWords(s);
    expect(s.startsWith('qwen3-8b ')).toBe(true);
  });

  it('says a crash with its exit code and the line that explains it', () => {
    expect(eventSentence(ev('model_stopped', { exit_code: 1, signal: null, instance: 1, log_tail: ['loading', 'CUDA error: out of memory'] }, 'exited'))).toBe('qwen3-8b crashed (exit 1): CUDA error: out of memory');
    expect(eventSentence(ev('model_stopped', { exit_code: null, signal: 'SIGKILL', instance: 1, log_tail: [] }, 'exited'))).toBe('qwen3-8b crashed (killed by SIGKILL)');
  });

  it('says when requests in flight were cut and how much memory came back', () => {
    expect(eventSentence(ev('model_stopped', { exit_code: 0, signal: null, instance: 1, drained: false }, 'manual'))).toBe('qwen3-8b was unloaded; requests in flight were cut');
    expect(eventSentence(ev('model_stopped', { exit_code: 0, signal: null, instance: 1, vram_before: 8 * 2 ** 30, vram_after: 2 * 2 ** 30 }, 'evicted'))).toBe('qwen3-8b is stopped (GPU memory 8.0 GiB → 2.0 GiB)');
  });

  it.each(REFUSAL_REASONS.map((r) => [r]))('words the refusal reason %s', (reason) => {
    const s = eventSentence(ev('load_refused', { blocking: reason === 'cooldown' ? [] : ['gemma3-27b'], retry_after_s: 20, failures: 2 }, reason));
    expectWords(s);
    expect(s.startsWith('Loading qwen3-8b was refused: ')).toBe(true);
  });

  it('names the pinned blockers and the cooldown left', () => {
    expect(eventSentence(SAMPLES.load_refused)).toBe('Loading qwen3-8b was refused: gemma3-27b is pinned and holds what it needs');
    expect(eventSentence(ev('load_refused', { blocking: [], retry_after_s: 20, failures: 3 }, 'cooldown'))).toBe('Loading qwen3-8b was refused: it failed to start 3 times in a row; retry in 20 s');
    expect(eventSentence(ev('load_refused', { blocking: ['a', 'b', 'c'] }, 'busy'))).toBe('Loading qwen3-8b was refused: a, b and c stayed busy too long');
  });

  it.each(START_FAILURE_CODES.map((c) => [c]))('words the start failure %s', (code) => {
    const s = eventSentence(ev('model_failed', { exit_code: null, log_tail: [], instance: 1, code }, code, 'qwen3-8b', 'qwen3-8b failed to start: '));
    expectWords(s);
    expect(s).toContain('qwen3-8b');
  });

  it('keeps a failure to its first line with the exit code', () => {
    expect(eventSentence(SAMPLES.model_failed)).toBe('qwen3-8b failed to start (exit 1): exited with code 1');
  });

  it.each(START_TRIGGERS.map((t) => [t]))('words the start trigger %s', (trigger) => {
    const s = eventSentence(ev('model_starting', { trigger, instance: 1 }));
    expectWords(s);
    expect(s.startsWith('Loading qwen3-8b ')).toBe(true);
  });

  it('names changed settings by their label', () => {
    expect(eventSentence(SAMPLES.settings_changed)).toBe(`Settings changed: ${SETTING_LABELS.idle_timeout} is now 10m`);
  });

  it('shows the message of an event type it does not know', () => {
    const future = { ...SAMPLES.model_ready, type: 'model_teleported', message: 'qwen3-8b teleported' } as unknown as LoadoutEvent;
    expect(eventSentence(future)).toBe('qwen3-8b teleported');
  });
});

describe('SETTING_LABELS', () => {
  it('labels every watchdog key in words, each label once', () => {
    for (const k of WATCHDOG_KEYS) expect(SETTING_LABELS[k], k).toMatch(/^[A-Z][a-z ]+$/);
    expect(new Set(Object.values(SETTING_LABELS)).size).toBe(WATCHDOG_KEYS.length);
    expect(Object.keys(SETTING_LABELS).sort()).toEqual([...WATCHDOG_KEYS].sort());
  });
});

describe('spokenDuration', () => {
  it('reads like a person would say it', () => {
    expect(spokenDuration(450)).toBe('450 ms');
    expect(spokenDuration(3200)).toBe('3.2 s');
    expect(spokenDuration(45_000)).toBe('45 s');
    expect(spokenDuration(900_000)).toBe('15 min');
    expect(spokenDuration(3_900_000)).toBe('1 h 5 min');
    expect(spokenDuration(7_200_000)).toBe('2 h');
  });
});
