import { describe, expect, it } from 'vitest';
import { parseProcStat, parseProcStatPgid } from '../../../electron/engine/platform/proc-stat.js';
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

describe('parseProcStat', () => {
  it('reads state, parent, process group and start time (field 22) after a comm with spaces', () => {
    const line = '4242 (my )( tool) Z 1 4240 4240 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0';
    expect(parseProcStat(line)).toEqual({ state: 'Z', ppid: 1, pgrp: 4240, startTime: '987654' });
  });
});
