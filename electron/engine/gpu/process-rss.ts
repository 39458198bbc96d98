import { readFileSync } from 'node:fs';
import { familyOf } from '../supervisor/process-tree.js';

/**
 * Resident memory of a backend and every descendant (Linux `/proc`), for machines without GPU data:
 * there the model's memory is its RAM. The family comes from the supervisor's process-tree walk, so a
 * child that left the process group still counts. Elsewhere: null.
 */
export function treeRssBytes(rootPid: number): number | null {
  let total = 0;
  let seen = 0;
  for (const pid of familyOf(rootPid)) {
    const rss = vmRssBytes(read(`/proc/${pid}/status`));
    if (rss === null) continue;
    total += rss;
    seen++;
  }
  return seen > 0 ? total : null;
}

/** `VmRSS:   43212 kB` from a /proc status file; null when absent (a zombie, or gone). */
export function vmRssBytes(status: string | null): number | null {
  const m = status ? /^VmRSS:\s+(\d+)\s+kB/m.exec(status) : null;
  return m ? Number(m[1]) * 1024 : null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
