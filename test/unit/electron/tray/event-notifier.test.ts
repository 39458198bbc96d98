import { describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../../shared/events.js';
import type { Push } from '../../../../shared/push.js';
import { FakeClock } from '../../../../electron/engine/platform/fake-clock.js';
import { EventNotifier } from '../../../../electron/tray/event-notifier.js';
import { notificationFor } from '../../../../electron/tray/event-notification.js';

let seq = 0;
function event(type: LoadoutEvent['type'], model: string | null, reason: string | null = null): Push {
  return { type: 'event', event: { seq: ++seq, at: '2026-11-26T21:00:00.000Z', type, model, reason, message: `${type} ${model}`, data: {} } as LoadoutEvent };
}
const eventOf = (push: Push): LoadoutEvent => (push as Extract<Push, { type: 'event' }>).event;

describe('notificationFor', () => {
  it('notifies evictions, failures and models that exited on their own, in words', () => {
    expect(notificationFor(eventOf(event('model_evicted', 'a', 'lru')))?.title).toBe('a was unloaded');
    expect(notificationFor(eventOf(event('model_failed', 'a')))?.title).toBe('a failed to start');
    expect(notificationFor(eventOf(event('model_stopped', 'a', 'exited')))?.title).toBe('a crashed');
  });

  it('says what happened in the body as a sentence, then the backend\'s last lines', () => {
    const evicted: LoadoutEvent = { seq: 1, at: '2026-11-26T21:00:00.000Z', type: 'model_evicted', model: 'gemma3-27b', reason: 'group', message: 'gemma3-27b evicted: group big', data: { for: 'qwen3-8b', group: 'big', instance: 1 } };
    expect(notificationFor(evicted)?.body).toBe('gemma3-27b was unloaded to make room for qwen3-8b (same group big)');
    const crashed: LoadoutEvent = { seq: 2, at: '2026-11-26T21:00:00.000Z', type: 'model_stopped', model: 'q', reason: 'exited', message: 'q exited with code 1: boom', data: { exit_code: 1, signal: null, instance: 1, log_tail: ['a', 'b', 'c', 'd', 'boom'] } };
    expect(notificationFor(crashed)?.body).toBe('q crashed (exit 1): boom\nb\nc\nd');
  });

  it('stays quiet about what the user did', () => {
    expect(notificationFor(eventOf(event('model_stopped', 'a', 'manual')))).toBeNull();
    expect(notificationFor(eventOf(event('model_ready', 'a')))).toBeNull();
    expect(notificationFor(eventOf(event('config_reloaded', null)))).toBeNull();
  });
});

describe('EventNotifier', () => {
  it('rate-limits a crash loop and ends the burst with one summary', () => {
    const clock = new FakeClock();
    const shown: string[] = [];
    const notifier = new EventNotifier({ clock, show: (title) => shown.push(title) });
    notifier.handle(event('model_failed', 'a'));
    clock.advance(1_000);
    notifier.handle(event('model_failed', 'a'));
    clock.advance(1_000);
    notifier.handle(event('model_failed', 'a'));
    notifier.handle({ type: 'log', model: 'a', line: { at: '', stream: 'stderr', text: 'boom' } });
    expect(shown).toEqual(['a failed to start']);
    clock.advance(30_000);
    expect(shown).toEqual(['a failed to start', 'Loadout: 2 more notifications']);
    expect(clock.pending()).toBe(0);
  });

  it('cancels its pending summary on dispose', () => {
    const clock = new FakeClock();
    const shown: string[] = [];
    const notifier = new EventNotifier({ clock, show: (title) => shown.push(title) });
    notifier.handle(event('model_evicted', 'a', 'idle'));
    notifier.handle(event('model_evicted', 'a', 'idle'));
    notifier.dispose();
    clock.advance(120_000);
    expect(shown).toEqual(['a was unloaded']);
  });
});
