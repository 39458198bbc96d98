import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../platform/logger.js';
import { unlinkIfPresent } from '../platform/unlink-if-present.js';
import { signalGroup } from './process-group.js';
import { currentProcess, isRunning, parseIdentity, sameProcess, type ProcessIdentity } from './process-identity.js';
import { isProcessAlive, processInfo } from './process-info.js';
import { findEscapees, signalEscapees } from './process-tree.js';

export interface RunRecord {
  model: string;
  instance: number;
  pid: number;
  startedAt: string;
  cmd: string[];
}

interface StoredRecord extends RunRecord {
  /** The kernel's start-time token at spawn: a pid recycled since then has another one. */
  procStart: string | null;
  /** The Loadout that supervises it: only records whose owner is gone are reaped. */
  owner: ProcessIdentity | null;
  /** Processes of the backend outside its process group (they called setsid), as last seen. */
  descendants: ProcessIdentity[];
}

/** How long an orphan gets to exit on SIGTERM before its group is killed. */
const REAP_GRACE_MS = 1000;
const REAP_POLL_MS = 20;

/**
 * One JSON file per live backend under `<stateDir>/runs/`. If the engine dies without stopping its
 * backends (SIGKILL, crash, power cut of the parent only), the next start finds these files and
 * stops what is still running, so a model never holds VRAM with nobody supervising it.
 * Each record names its owner (pid + start time): a record whose owner still runs belongs to another
 * live Loadout and is never touched (issue 8). Writes are synchronous: they happen once per spawn,
 * once per exit, and when a backend is seen with processes outside its group.
 */
export class RunRecords {
  private readonly dir: string;
  private readonly stored = new Map<number, StoredRecord>();

  constructor(
    stateDir: string,
    private readonly owner: ProcessIdentity = currentProcess(),
  ) {
    this.dir = join(stateDir, 'runs');
  }

  add(r: RunRecord): void {
    const info = processInfo(r.pid);
    this.write({ ...r, procStart: info?.startTime ?? null, owner: this.owner, descendants: [] });
  }

  /** Records the backend's processes outside its group, so that reaping after a crash finds them too. */
  setDescendants(pid: number, descendants: ProcessIdentity[]): void {
    const rec = this.stored.get(pid);
    if (rec) this.write({ ...rec, descendants });
  }

  remove(pid: number): void {
    this.stored.delete(pid);
    unlinkIfPresent(this.file(pid));
  }

  private write(stored: StoredRecord): void {
    this.stored.set(stored.pid, stored);
    mkdirSync(this.dir, { recursive: true });
    // Temp file + rename: a crash mid-write never leaves a half record that reaping would choke on.
    const tmp = join(this.dir, `.${stored.pid}.json.tmp`);
    writeFileSync(tmp, JSON.stringify(stored) + '\n');
    renameSync(tmp, this.file(stored.pid));
  }

  /**
   * Stops every recorded backend whose owner is gone, with the processes it had outside its group,
   * and clears those records. Records of a live owner (another Loadout) stay. Returns what was stopped.
   */
  async reapOrphans(logger: Logger): Promise<{ pid: number; model: string }[]> {
    const reaped: { pid: number; model: string }[] = [];
    for (const name of listDir(this.dir)) {
      const path = join(this.dir, name);
      if (!name.endsWith('.json')) {
        if (name.endsWith('.json.tmp')) unlinkIfPresent(path);
        continue;
      }
      const rec = readRecord(path);
      if (!rec) {
        logger.warn('dropping an unreadable run record', { path });
        unlinkIfPresent(path);
        continue;
      }
      if (rec.owner && !sameProcess(rec.owner, this.owner) && isRunning(rec.owner)) continue;
      if (isOurs(rec)) {
        logger.warn('stopping a backend left running by a previous run', { model: rec.model, pid: rec.pid, started_at: rec.startedAt });
        await stopGroup(rec.pid, rec.descendants);
        reaped.push({ pid: rec.pid, model: rec.model });
      } else if (!isProcessAlive(rec.pid)) {
        // The leader is gone but children it left in its group may live on. A pid is never handed
        // out again while a group of that id exists, so whatever is in group -pid is still ours.
        if (signalGroup(rec.pid, 'SIGKILL') === 'sent') logger.warn('killed processes left in a dead backend\'s group', { model: rec.model, pid: rec.pid });
        const escaped = findEscapees(rec.pid, rec.descendants);
        if (signalEscapees(escaped, 'SIGKILL') > 0) logger.warn('killed processes a dead backend left outside its group', { model: rec.model, pid: rec.pid, pids: escaped.map((e) => e.pid) });
      }
      unlinkIfPresent(path);
    }
    return reaped;
  }

  private file(pid: number): string {
    return join(this.dir, `${pid}.json`);
  }
}

/** Alive, not a zombie, and the same process that was recorded (never a recycled pid). */
function isOurs(rec: StoredRecord): boolean {
  const info = processInfo(rec.pid);
  if (!info || info.state === 'Z' || info.state === 'X') return false;
  // Without a start time on either side we cannot rule out a recycled pid, so we leave it alone.
  return rec.procStart !== null && info.startTime === rec.procStart;
}

async function stopGroup(pid: number, known: ProcessIdentity[]): Promise<void> {
  // Walked while the leader still runs: its parent links still reach every descendant.
  const escaped = findEscapees(pid, known);
  signalEscapees(escaped, 'SIGTERM');
  if (signalGroup(pid, 'SIGTERM') !== 'gone') {
    const deadline = Date.now() + REAP_GRACE_MS;
    // Not our child, so there is no exit event to wait on: a short bounded poll is all there is.
    while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, REAP_POLL_MS));
    // Also reaches children that ignored SIGTERM or outlived their leader.
    signalGroup(pid, 'SIGKILL');
  }
  signalEscapees(escaped, 'SIGKILL');
}

function readRecord(path: string): StoredRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const r = parsed as Partial<StoredRecord> | null;
  if (!r || typeof r.pid !== 'number' || !Number.isInteger(r.pid) || r.pid <= 1 || typeof r.model !== 'string') return null;
  return {
    model: r.model,
    instance: typeof r.instance === 'number' ? r.instance : 0,
    pid: r.pid,
    startedAt: typeof r.startedAt === 'string' ? r.startedAt : '',
    cmd: Array.isArray(r.cmd) ? r.cmd.map(String) : [],
    procStart: typeof r.procStart === 'string' ? r.procStart : null,
    owner: parseIdentity(r.owner),
    descendants: Array.isArray(r.descendants) ? r.descendants.map(parseIdentity).filter((d): d is ProcessIdentity => d !== null) : [],
  };
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
