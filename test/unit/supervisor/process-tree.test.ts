import { describe, expect, it } from 'vitest';
import { escapedDescendants, type ProcEntry } from '../../../electron/engine/supervisor/process-tree.js';

const p = (pid: number, ppid: number, pgrp: number, state = 'S'): ProcEntry => ({ pid, ppid, pgrp, state, startTime: `t${pid}` });

describe('escapedDescendants', () => {
  // 100 leads the backend's group; 101 stays in it; 102 called setsid; 103 is 102's child in 102's group;
  // 104 is a grandchild under 101 that called setsid; 200 is unrelated.
  const table = [p(1, 0, 1), p(100, 1, 100), p(101, 100, 100), p(102, 100, 102), p(103, 102, 102), p(104, 101, 104), p(200, 1, 200)];

  it('finds every descendant outside the leader\'s group, at any depth', () => {
    expect(escapedDescendants(100, table).map((e) => e.pid).sort()).toEqual([102, 103, 104]);
  });

  it('records each with its start time, so a recycled pid is never taken for it', () => {
    expect(escapedDescendants(100, table).find((e) => e.pid === 102)).toEqual({ pid: 102, procStart: 't102' });
  });

  it('still finds the children of a known escapee after the leader is gone and it was re-parented', () => {
    const afterCrash = [p(1, 0, 1), p(102, 1, 102), p(103, 102, 102), p(105, 103, 105), p(200, 1, 200)];
    const known = [{ pid: 102, procStart: 't102' }];
    expect(escapedDescendants(100, afterCrash, known).map((e) => e.pid).sort()).toEqual([102, 103, 105]);
  });

  it('ignores a known pid that now belongs to another process, and zombies', () => {
    const recycled = [p(1, 0, 1), { ...p(102, 1, 102), startTime: 'other' }, p(106, 100, 106, 'Z')];
    expect(escapedDescendants(100, recycled, [{ pid: 102, procStart: 't102' }])).toEqual([]);
  });
});
