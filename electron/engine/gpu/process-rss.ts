import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of a backend and every descendant (Linux `/proc`), for machines without GPU data:
 * there the model's memory is its RAM. Descendants are found through `/proc/<pid>/task/<tid>/children`,
 * so a child that left the process group still counts. Elsewhere: null.
 */
export function treeRssBytes(rootPid: number, proc = '/proc'): number | null {
  if (process.platform !== 'linux') return null;
  let total = 0;
  let seen = 0;
  const stack = [rootPid];
  const visited = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (visited.has(pid)) continue;
    visited.add(pid);
    const rss = vmRssBytes(read(`${proc}/${pid}/status`));
    if (rss === null) continue;
    total += rss;
    seen++;
    for (const child of childrenOf(pid, proc)) stack.push(child);
  }
  return seen > 0 ? total : null;
}

/** `VmRSS:   43212 kB` from a /proc status file; null when absent (a zombie, or gone). */
export function vmRssBytes(status: string | null): number | null {
  const m = status ? /^VmRSS:\s+(\d+)\s+kB/m.exec(status) : null;
  return m ? Number(m[1]) * 1024 : null;
}

function childrenOf(pid: number, proc: string): number[] {
  const out: number[] = [];
  let tids: string[] = [String(pid)];
  try {
    tids = readdirSync(`${proc}/${pid}/task`);
  } catch {
    // no task dir: the process is gone
  }
  for (const tid of tids) {
    const text = read(`${proc}/${pid}/task/${tid}/children`);
    if (text) for (const c of text.trim().split(/\s+/)) if (/^\d+$/.test(c)) out.push(Number(c));
  }
  return out;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
