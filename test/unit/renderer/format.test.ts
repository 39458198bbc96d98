import { describe, expect, it } from 'vitest';
import { formatCountdown, formatPercent, formatSpan, formatUsage } from '../../../renderer/lib/format.js';

const deadline = '2026-11-26T21:15:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('formatCountdown', () => {
  it('shows minutes and seconds under an hour', () => {
    expect(formatCountdown(deadline, at('2026-11-26T21:00:00.000Z'))).toBe('15:00');
    expect(formatCountdown(deadline, at('2026-11-26T21:14:01.000Z'))).toBe('0:59');
  });

  it('shows hours when there are any', () => {
    expect(formatCountdown('2026-11-26T23:02:03.000Z', at('2026-11-26T21:00:00.000Z'))).toBe('2:02:03');
  });

  it('rounds partial seconds up so 0:00 is never shown before the deadline', () => {
    expect(formatCountdown(deadline, at('2026-11-26T21:14:59.200Z'))).toBe('0:01');
  });

  it('says due once the deadline has passed, and a dash when there is none', () => {
    expect(formatCountdown(deadline, at('2026-11-26T21:15:00.000Z'))).toBe('due');
    expect(formatCountdown(deadline, at('2026-11-26T22:00:00.000Z'))).toBe('due');
    expect(formatCountdown(null, 0)).toBe('—');
    expect(formatCountdown('not a date', 0)).toBe('—');
  });
});

describe('formatUsage', () => {
  it('writes the unit once when both sides share it', () => {
    expect(formatUsage(5 * 2 ** 30, 24 * 2 ** 30)).toBe('5.0 / 24.0 GiB');
    expect(formatUsage(512 * 2 ** 20, 24 * 2 ** 30)).toBe('512.0 MiB / 24.0 GiB');
  });

  it('rounds percentages and survives a zero total', () => {
    expect(formatPercent(1, 3)).toBe('33%');
    expect(formatPercent(1, 0)).toBe('0%');
  });
});

describe('formatSpan', () => {
  it('names a chart span in seconds under a minute, else minutes', () => {
    expect(formatSpan(7_400)).toBe('7 s');
    expect(formatSpan(600_000)).toBe('10 min');
    expect(formatSpan(-5)).toBe('0 s');
  });
});
