import { spawnSync } from 'node:child_process';
import { readProcessTable } from './process-tree.js';

export type GroupSignal = 'SIGTERM' | 'SIGKILL' | 0;

/** What a signal to a process group found: someone to signal, no one, or someone we may not touch. */
export type SignalOutcome = 'sent' | 'gone' | 'denied';

/**
 * Signals every process in the group led by `pid` (backends are spawned as group leaders, so a
 * launcher script's children are reached too). ESRCH is the expected answer once everything has
 * exited and is reported, not thrown; EPERM is reported so the caller can log it (macOS answers
 * EPERM for a group whose members are all zombies). Anything else is a bug and throws.
 */
export function signalGroup(pid: number, signal: GroupSignal): SignalOutcome {
  // kill(-0) is our own group and kill(-1) is every process we may signal: never a backend.
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`refusing to signal process group ${pid}`);
  if (process.platform === 'win32') return signalTreeWindows(pid, signal);
  try {
    process.kill(-pid, signal);
    return 'sent';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'denied';
    throw err;
  }
}

/** Windows has no process groups to signal: taskkill walks the tree from the pid instead. */
function signalTreeWindows(pid: number, signal: GroupSignal): SignalOutcome {
  if (signal === 0 || signal === 'SIGTERM') {
    try {
      process.kill(pid, signal);
      return 'sent';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
      throw err;
    }
  }
  const r = spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true });
  // taskkill exits 128 when the pid no longer exists.
  return r.status === 0 ? 'sent' : 'gone';
}

/**
 * Whether any live (non-zombie) process is still in the group. Linux reads /proc (a zombie nobody reaps
 * must not count: containers often lack a reaping init); elsewhere a signal 0 to the group answers.
 */
export function groupHasLiveMembers(pgid: number): boolean {
  if (process.platform !== 'linux') return signalGroup(pgid, 0) === 'sent';
  return readProcessTable().some((p) => p.pgrp === pgid && p.state !== 'Z' && p.state !== 'X');
}
