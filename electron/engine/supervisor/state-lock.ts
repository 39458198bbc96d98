import { linkSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unlinkIfPresent } from '../platform/unlink-if-present.js';
import { currentProcess, isRunning, parseIdentity, sameProcess, type ProcessIdentity } from './process-identity.js';

/** What the lock file says about the Loadout that holds the state dir. */
export interface LockOwner extends ProcessIdentity {
  /** `http://HOST:PORT` once it listens; null while it starts. */
  url: string | null;
  startedAt: string;
}

export const LOCK_FILE = 'loadout.lock';

/** Another running Loadout holds the state dir. */
export class StateDirLocked extends Error {
  constructor(
    readonly stateDir: string,
    readonly owner: LockOwner,
  ) {
    const where = owner.url ? `listening on ${owner.url}` : 'still starting';
    super(
      `another Loadout (pid ${owner.pid}, ${where}, since ${owner.startedAt}) is using the state dir ${stateDir}; ` +
        `\`loadout ps\` and the other CLI commands talk to it. Stop it first, or give this one another state_dir ` +
        `(the lock is ${join(stateDir, LOCK_FILE)})`,
    );
    this.name = 'StateDirLocked';
  }
}

/**
 * One Loadout per state dir (issue 8): two of them reaped each other's backends as "left over from a
 * crash" and wrote duplicate event numbers. The lock file names its holder by pid and kernel start
 * time, so a lock left by a crash (or whose pid was recycled) is detected as stale and taken over.
 * The file appears complete or not at all: it is written aside and hard-linked into place, and
 * link() fails when the name exists, which makes taking it atomic.
 */
export class StateLock {
  private readonly file: string;
  private owner: LockOwner;
  private held = true;

  private constructor(
    readonly stateDir: string,
    owner: LockOwner,
  ) {
    this.file = join(stateDir, LOCK_FILE);
    this.owner = owner;
  }

  /** Takes the lock, or throws StateDirLocked naming the running holder. The state dir must exist. */
  static acquire(stateDir: string, startedAt: string): StateLock {
    const lock = new StateLock(stateDir, { ...currentProcess(), url: null, startedAt });
    lock.take();
    return lock;
  }

  /** Records where this Loadout listens, for a second one's message and for the CLI. */
  setUrl(url: string): void {
    if (!this.held) return;
    this.owner = { ...this.owner, url };
    const tmp = this.asideFile();
    writeFileSync(tmp, JSON.stringify(this.owner) + '\n');
    renameSync(tmp, this.file);
  }

  /** Removes the lock if it is still ours. Idempotent. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const current = readLockOwner(this.stateDir);
    if (current && sameProcess(current, this.owner)) unlinkIfPresent(this.file);
  }

  private take(): void {
    const aside = this.asideFile();
    writeFileSync(aside, JSON.stringify(this.owner) + '\n');
    try {
      // A stale lock can be in the way once per attempt; a third failure means another start races us.
      for (let attempt = 0; attempt < 3; attempt++) {
        if (tryLink(aside, this.file)) return;
        const holder = readLockOwner(this.stateDir);
        if (holder && isRunning(holder)) throw new StateDirLocked(this.stateDir, holder);
        this.removeStale(holder);
      }
      const holder = readLockOwner(this.stateDir);
      throw new StateDirLocked(this.stateDir, holder ?? { pid: 0, procStart: null, url: null, startedAt: 'unknown' });
    } finally {
      unlinkIfPresent(aside);
    }
  }

  /**
   * Moves the stale lock away under a name of our own, then checks that what was moved is the stale
   * lock that was read: if another start took the lock over in between, its live lock is put back.
   */
  private removeStale(seen: LockOwner | null): void {
    const moved = `${this.file}.stale.${process.pid}`;
    try {
      renameSync(this.file, moved);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const got = readOwnerFile(moved);
    const same = got === null ? seen === null : seen !== null && sameProcess(got, seen);
    if (!same && got && isRunning(got)) {
      if (tryLink(moved, this.file)) {
        unlinkIfPresent(moved);
        throw new StateDirLocked(this.stateDir, got);
      }
    }
    unlinkIfPresent(moved);
  }

  private asideFile(): string {
    return join(this.stateDir, `.${LOCK_FILE}.${process.pid}.tmp`);
  }
}

/** The holder the lock file names, or null when there is no readable lock. Used by the CLI too. */
export function readLockOwner(stateDir: string): LockOwner | null {
  return readOwnerFile(join(stateDir, LOCK_FILE));
}

/** The running Loadout that holds the state dir, or null. */
export function runningOwner(stateDir: string): LockOwner | null {
  const owner = readLockOwner(stateDir);
  return owner && isRunning(owner) ? owner : null;
}

function readOwnerFile(file: string): LockOwner | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError || (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const id = parseIdentity(parsed);
  if (!id) return null;
  const o = parsed as Partial<LockOwner>;
  return { ...id, url: typeof o.url === 'string' ? o.url : null, startedAt: typeof o.startedAt === 'string' ? o.startedAt : 'unknown' };
}

/** Creates `to` with the content of `from`, failing (false) when `to` exists. */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links (FAT, some network mounts): an exclusive create instead.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
  }
  try {
    writeFileSync(to, readFileSync(from), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

