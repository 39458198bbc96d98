import { describe, expect, it } from 'vitest';
import { parseProcStatPgid } from '../../../electron/engine/gpu/proc-stat.js';
import { readGpuFixture } from './fixture-path.js';

describe('parseProcStatPgid', () => {
  it('counts fields after the last ")" so a comm with spaces and parentheses cannot shift them', () => {
    expect(parseProcStatPgid(readGpuFixture('proc/4242/stat'))).toBe(4240);
  });

  it('reads a plain stat line', () => {
    expect(parseProcStatPgid('77 (bash) S 70 77 77 34816 77 4194560')).toBe(77);
  });

  it('returns null for truncated or garbled text', () => {
    expect(parseProcStatPgid('')).toBeNull();
    expect(parseProcStatPgid('12 (x) S 1')).toBeNull();
  });
});
