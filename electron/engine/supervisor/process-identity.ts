import { processInfo } from './process-info.js';

/** One process, told apart from a later process that got the same pid by its kernel start time. */
export interface ProcessIdentity {
  pid: number;
  /** The start-time token of `processInfo`; null where the platform does not tell. */
  procStart: string | null;
}

/** This very process. */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, procStart: processInfo(process.pid)?.startTime ?? null };
}

/**
 * Whether the identified process still runs: alive, not a zombie, and (where both start times are
 * known) the same start time, so a recycled pid never passes for the process that was recorded.
 * Where a start time is unknown it errs towards "running", which leaves things alone.
 */
export function isRunning(id: ProcessIdentity): boolean {
  const info = processInfo(id.pid);
  if (!info || info.state === 'Z' || info.state === 'X') return false;
  return id.procStart === null || info.startTime === null || info.startTime === id.procStart;
}

export function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.procStart === b.procStart;
}

/** A stored identity read back from JSON, or null when it is not one. */
export function parseIdentity(v: unknown): ProcessIdentity | null {
  const o = v as Partial<ProcessIdentity> | null;
  if (!o || typeof o !== 'object' || typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) return null;
  return { pid: o.pid, procStart: typeof o.procStart === 'string' ? o.procStart : null };
}
