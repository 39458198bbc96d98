/**
 * The process group id from a `/proc/<pid>/stat` line: `pid (comm) state ppid pgrp ...`.
 * comm is the executable name and may hold spaces and parentheses (`(sd-pam)`, `my )( tool`), so
 * the fields are counted from the LAST ')' rather than split on spaces. Pure.
 */
export function parseProcStatPgid(text: string): number | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // After comm: state (field 3), ppid (4), pgrp (5).
  const pgrp = rest[2];
  return pgrp !== undefined && /^\d+$/.test(pgrp) ? Number(pgrp) : null;
}
