import { describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../../shared/events.js';
import { FakeClock } from '../../../../electron/engine/platform/fake-clock.js';
import { EventNotifier } from '../../../../electron/tray/event-notifier.js';
import { MAX_BODY_CHARS, notificationBody, notificationTitle, plainText } from '../../../../electron/tray/notification-text.js';

// Issue 8: notifications showed backend stderr unescaped (markup, terminal escapes, bidi overrides).

const HOSTILE = 'error: \u001b[31mfailed\u001b[0m <a href="https://evil.example">click</a> <img src="file:///x"> & \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u202egnp.exe\u0007';

describe('notification text', () => {
  it('removes terminal escapes, control and bidi-override characters', () => {
    expect(plainText(HOSTILE)).toBe('error: failed <a href="https://evil.example">click</a> <img src="file:///x"> & link gnp.exe');
  });

  it('escapes markup in the body where the notification server renders it', () => {
    expect(notificationBody(HOSTILE, true)).toBe(
      'error: failed &lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; &lt;img src=&quot;file:///x&quot;&gt; &amp; link gnp.exe',
    );
    expect(notificationBody('a < b', false)).toBe('a < b');
  });

  it('bounds the body to a few lines and characters, and the title to one line', () => {
    const body = notificationBody(Array.from({ length: 50 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n'), false);
    expect(body.split('\n').length).toBeLessThanOrEqual(5);
    expect(Array.from(body).length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(notificationTitle('a\nb\r\nc')).toBe('a b c');
  });

  it('is applied to what the notifier shows', () => {
    const shown: [string, string][] = [];
    const notifier = new EventNotifier({ clock: new FakeClock(), show: (t, b) => shown.push([t, b]), bodyMarkup: true });
    const event: LoadoutEvent = {
      seq: 1, at: '2026-11-26T21:00:00.000Z', type: 'model_failed', model: 'm', reason: 'exited', message: `m failed to start: ${HOSTILE}`,
      data: { exit_code: 1, log_tail: ['loading', HOSTILE], instance: 1, code: 'exited' },
    };
    notifier.handle({ type: 'event', event });
    expect(shown).toEqual([['m failed to start', `m failed to start (exit 1): ${notificationBody(HOSTILE, true)}\nloading`]]);
    expect(shown[0]![1]).not.toMatch(/<a |\u001b|\u202e/);
  });
});
