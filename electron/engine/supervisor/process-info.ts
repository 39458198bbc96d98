import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseProcStat } from '../platform/proc-stat.js';

/**
 * The kernel's view of one pid, enough to tell "our backend" from "a recycled pid" and "alive"
 * from "a zombie nobody reaped yet" (containers often run without an init that reaps).
 */
export interface ProcessInfo {
  /** A one-letter state on Linux (R, S, D, Z, ...); null where it is not known. */
  state: string | null;
  /** An opaque start-time token; equal tokens mean the same process. Null where it is not known. */
  startTime: string | null;
}

/** Null when there is no such process. */
export function processInfo(pid: number): ProcessInfo | null {
  if (process.platform === 'linux') return linuxInfo(pid);
  if (!signalZero(pid)) return null;
  if (process.platform === 'darwin') return { state: null, startTime: darwinStartTime(pid) };
  return { state: null, startTime: null };
}

/** Alive and not a zombie. */
export function isProcessAlive(pid: number): boolean {
  const info = processInfo(pid);
  return info !== null && info.state !== 'Z' && info.state !== 'X';
}

function linuxInfo(pid: number): ProcessInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return null;
    throw err;
  }
  const parsed = parseProcStat(stat);
  return { state: parsed?.state ?? null, startTime: parsed?.startTime ?? null };
}

function darwinStartTime(pid: number): string | null {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000 }).trim();
    return out === '' ? null : out;
  } catch (err) {
    // ps exits 1 when the pid is gone; the caller then sees "unknown", never a false match.
    if ((err as { status?: number }).status === 1) return null;
    throw err;
  }
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw err;
  }
}
