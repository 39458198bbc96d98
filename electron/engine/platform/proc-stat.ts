/** The fields of a Linux `/proc/<pid>/stat` line that the supervisor and the GPU attribution read. */
export interface ProcStat {
  /** One letter: R, S, D, Z (zombie), X (dead), ... */
  state: string;
  /** Parent pid (field 4). */
  ppid: number;
  /** Process group id (field 5). */
  pgrp: number;
  /** Start time in clock ticks since boot (field 22), as text: an identity token, not arithmetic. */
  startTime: string | null;
}

/**
 * Parses `pid (comm) state ppid pgrp ...`. comm is the executable name and may hold spaces and
 * parentheses (`(sd-pam)`, `my )( tool`), so the fields are counted from the LAST ')' rather than
 * split on spaces. Pure.
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), rest[1] field 4 (ppid), rest[2] field 5 (pgrp), rest[19] field 22 (starttime).
  const [state, ppid, pgrp] = rest;
  if (!state || pgrp === undefined || !/^\d+$/.test(pgrp)) return null;
  return { state, ppid: ppid !== undefined && /^\d+$/.test(ppid) ? Number(ppid) : 0, pgrp: Number(pgrp), startTime: rest[19] ?? null };
}

/** The process group id alone, or null for an unreadable line. */
export function parseProcStatPgid(text: string): number | null {
  return parseProcStat(text)?.pgrp ?? null;
}
