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

/** The process table from /proc on Linux; empty elsewhere (no tree walk there, see README). */
export function readProcessTable(): ProcEntry[] {
  if (process.platform !== 'linux') return [];
  const out: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const p = parseProcStat(text);
    if (p) out.push({ pid: Number(name), ppid: p.ppid, pgrp: p.pgrp, state: p.state, startTime: p.startTime });
  }
  return out;
}

/**
 * Signals tracked escapees that are still the processes that were recorded (never a recycled pid),
 * each with its own group when it leads one (a `setsid` child does). Returns how many were signalled.
 */
export function signalEscapees(escapees: readonly ProcessIdentity[], signal: 'SIGTERM' | 'SIGKILL', table: readonly ProcEntry[] = readProcessTable()): number {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  let sent = 0;
  for (const e of escapees) {
    const entry = byPid.get(e.pid);
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
