import { describe, expect, it } from 'vitest';
import { formatElapsed, loadProgress, loadProgressText } from '../../../shared/load-progress.js';

const at = Date.parse('2026-11-30T12:00:00.000Z');
const starting = { state: 'starting' as const, load_started_at: '2026-11-30T12:00:00.000Z', load_eta_ms: 40_000, load_progress: null, load_waiting_for: [] };

describe('load progress text', () => {
  it('shows elapsed time against the estimate', () => {
    expect(loadProgressText(loadProgress(starting, at + 12_400)!)).toBe('12 s of ~40 s');
  });

  it('leads with the percentage where the backend reports one', () => {
    expect(loadProgressText(loadProgress({ ...starting, load_progress: 0.45 }, at + 12_000)!)).toBe('45 % · 12 s of ~40 s');
  });

  it('shows elapsed time alone before the first successful load', () => {
    expect(loadProgressText(loadProgress({ ...starting, load_eta_ms: null }, at + 75_000)!)).toBe('1 min 15 s');
  });

  it('says what the load waits for', () => {
    expect(loadProgressText(loadProgress({ ...starting, load_waiting_for: ['gemma3-27b'] }, at + 5_000)!)).toBe('waiting for gemma3-27b · 5 s');
  });

  it('is null for a model that is not starting', () => {
    expect(loadProgress({ ...starting, state: 'ready' }, at)).toBeNull();
  });

  it('formats long durations in minutes and hours', () => {
    expect(formatElapsed(0)).toBe('0 s');
    expect(formatElapsed(120_000)).toBe('2 min');
    expect(formatElapsed(3_780_000)).toBe('1 h 3 min');
  });
});
