import { describe, expect, it } from 'vitest';
import { NotificationPolicy } from '../../../../electron/tray/notification-policy.js';
import { FakeClock } from '../../../../electron/engine/platform/fake-clock.js';

describe('NotificationPolicy', () => {
  it('shows at most one notification per model every 30 s', () => {
    const clock = new FakeClock();
    const policy = new NotificationPolicy(() => clock.now());
    expect(policy.admit('a')).toBe(true);
    clock.advance(29_999);
    expect(policy.admit('a')).toBe(false);
    expect(policy.admit('b')).toBe(true);
    clock.advance(1);
    expect(policy.admit('a')).toBe(true);
  });

  it('shows at most 5 per minute overall', () => {
    const clock = new FakeClock();
    const policy = new NotificationPolicy(() => clock.now());
    const shown = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((m) => policy.admit(m));
    expect(shown).toEqual([true, true, true, true, true, false, false]);
    expect(policy.msUntilRoom()).toBe(60_000);
    clock.advance(60_000);
    expect(policy.admit('h')).toBe(true);
  });

  it('summarizes what it held back once the window has room, and counts the summary', () => {
    const clock = new FakeClock();
    const policy = new NotificationPolicy(() => clock.now());
    for (const m of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'f']) policy.admit(m);
    expect(policy.takeSummary()).toBeNull(); // window still full
    clock.advance(60_000);
    expect(policy.takeSummary()).toEqual({ count: 3, models: ['f', 'g'] });
    expect(policy.takeSummary()).toBeNull();
    expect(policy.hasPendingSummary()).toBe(false);
  });
});
