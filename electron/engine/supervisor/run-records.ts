import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../platform/logger.js';
import { isProcessAlive, processInfo } from './process-info.js';
import { signalGroup } from './process-group.js';

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
}

/** How long an orphan gets to exit on SIGTERM before its group is killed. */
const REAP_GRACE_MS = 1000;
const REAP_POLL_MS = 20;

/**
 * One JSON file per live backend under `<stateDir>/runs/`. If the engine dies without stopping its
 * backends (SIGKILL, crash, power cut of the parent only), the next start finds these files and
 * stops what is still running, so a model never holds VRAM with nobody supervising it.
 * Writes are synchronous: they happen once per spawn and once per exit.
 */
export class RunRecords {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'runs');
  }

  add(r: RunRecord): void {
    const info = processInfo(r.pid);
    const stored: StoredRecord = { ...r, procStart: info?.startTime ?? null };
    mkdirSync(this.dir, { recursive: true });
    // Temp file + rename: a crash mid-write never leaves a half record that reaping would choke on.
    const tmp = join(this.dir, `.${r.pid}.json.tmp`);
    writeFileSync(tmp, JSON.stringify(stored) + '\n');
    renameSync(tmp, this.file(r.pid));
  }

  remove(pid: number): void {
    unlinkIfPresent(this.file(pid));
  }

  /** Stops every recorded backend that still runs and clears every record. Returns what was stopped. */
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
      if (isOurs(rec)) {
        logger.warn('stopping a backend left running by a previous run', { model: rec.model, pid: rec.pid, started_at: rec.startedAt });
        await stopGroup(rec.pid);
        reaped.push({ pid: rec.pid, model: rec.model });
      } else if (!isProcessAlive(rec.pid)) {
        // The leader is gone but children it left in its group may live on. A pid is never handed
        // out again while a group of that id exists, so whatever is in group -pid is still ours.
        if (signalGroup(rec.pid, 'SIGKILL') === 'sent') logger.warn('killed processes left in a dead backend\'s group', { model: rec.model, pid: rec.pid });
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

async function stopGroup(pid: number): Promise<void> {
  if (signalGroup(pid, 'SIGTERM') === 'gone') return;
  const deadline = Date.now() + REAP_GRACE_MS;
  // Not our child, so there is no exit event to wait on: a short bounded poll is all there is.
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, REAP_POLL_MS));
  // Also reaches children that ignored SIGTERM or outlived their leader.
  signalGroup(pid, 'SIGKILL');
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

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
