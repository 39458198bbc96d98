import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat } from '../platform/proc-stat.js';
import type { ProcessIdentity } from './process-identity.js';

/** One row of the process table. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  startTime: string | null;
}

/**
 * The processes that belong to the backend led by `leader` but are outside its process group, so a
 * group signal misses them: descendants (by parent links) that moved to a group or session of their
 * own (`setsid`, `detached: true`), and everything below those. `known` are escapees found earlier,
 * whose own children count too even after the parent links to the leader broke (a process whose
 * parent dies is re-parented to init). Pure.
 */
export function escapedDescendants(leader: number, table: readonly ProcEntry[], known: readonly ProcessIdentity[] = []): ProcessIdentity[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of table) {
    if (p.state === 'Z' || p.state === 'X') continue;
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const roots = [leader, ...known.filter((k) => sameStart(byPid.get(k.pid), k)).map((k) => k.pid)];
  const seen = new Set<number>(roots);
  const out: ProcessIdentity[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const entry = byPid.get(pid);
    if (pid !== leader && entry && entry.pgrp !== leader) out.push({ pid, procStart: entry.startTime });
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      queue.push(child.pid);
    }
  }
  return out;
}

function sameStart(entry: ProcEntry | undefined, id: ProcessIdentity): boolean {
  return entry !== undefined && entry.state !== 'Z' && entry.state !== 'X' && (id.procStart === null || entry.startTime === id.procStart);
}

/** The whole process table from /proc on Linux; empty elsewhere (no tree walk there, see README). */
export function readProcessTable(): ProcEntry[] {
  if (process.platform !== 'linux') return [];
  const out: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(Number(name));
    if (entry) out.push(entry);
  }
  return out;
}

/**
 * `roots` and their descendants only, read through `/proc/PID/task/TID/children`: a handful of files
 * instead of the whole table (a full walk costs tens of milliseconds of blocked event loop on a busy
 * desktop, and it runs every few seconds per backend). Kernels without that file get the full table.
 */
export function readFamilyTable(roots: readonly number[]): ProcEntry[] {
  if (process.platform !== 'linux') return [];
  const out: ProcEntry[] = [];
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const entry = readEntry(pid);
    if (!entry) continue;
    out.push(entry);
    const children = childrenOf(pid);
    if (children === null) return readProcessTable();
    queue.push(...children);
  }
  return out;
}

/** Direct children of every thread of `pid`; [] when it exited meanwhile; null when the kernel lacks the file. */
function childrenOf(pid: number): number[] | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && tid === String(pid) && existsDir(`/proc/${pid}/task/${tid}`)) return null;
      continue; // the thread ended while we looked
    }
    for (const c of text.split(' ')) if (/^\d+$/.test(c)) out.push(Number(c));
  }
  return out;
}

function existsDir(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

function readEntry(pid: number): ProcEntry | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited while we looked
  }
  const p = parseProcStat(text);
  return p ? { pid, ppid: p.ppid, pgrp: p.pgrp, state: p.state, startTime: p.startTime } : null;
}

/** `root` and every live descendant of it (by parent links, whatever their group), as the system shows them now (Linux; [] elsewhere). */
export function familyOf(root: number): number[] {
  const table = readFamilyTable([root]).filter((p) => p.state !== 'Z' && p.state !== 'X');
  const family = new Set(table.some((p) => p.pid === root) ? [root] : []);
  // The table may be the whole system (kernels without the children file): keep the descendants only.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) {
      if (family.has(p.pid) || !family.has(p.ppid)) continue;
      family.add(p.pid);
      grew = true;
    }
  }
  return [...family];
}

/**
 * The escapees of the backend led by `leader` as the system shows them now (Linux; [] elsewhere):
 * read from the leader and the known escapees down, never the whole table.
 */
export function findEscapees(leader: number, known: readonly ProcessIdentity[]): ProcessIdentity[] {
  return escapedDescendants(leader, readFamilyTable([leader, ...known.map((k) => k.pid)]), known);
}

/**
 * Signals tracked escapees that are still the processes that were recorded (never a recycled pid),
 * each with its own group when it leads one (a `setsid` child does). Returns how many were signalled.
 */
export function signalEscapees(escapees: readonly ProcessIdentity[], signal: 'SIGTERM' | 'SIGKILL'): number {
  let sent = 0;
  for (const e of escapees) {
    const entry = readEntry(e.pid) ?? undefined;
    if (!sameStart(entry, e)) continue;
    if (entry!.pgrp === e.pid) trySignal(-e.pid, signal);
    if (trySignal(e.pid, signal)) sent++;
  }
  return sent;
}

function trySignal(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw err;
  }
}
