import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processInfo } from '../../../electron/engine/supervisor/process-info.js';
import { LOCK_FILE, readLockOwner, StateDirLocked, StateLock } from '../../../electron/engine/supervisor/state-lock.js';

// Issue 8: one Loadout per state dir; a lock left by a crash, or naming a recycled pid, is taken over.

let dir: string;
const procs: ChildProcess[] = [];

afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await once(p, 'exit');
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function fresh(): string {
  dir = mkdtempSync(join(tmpdir(), 'loadout-lock-'));
  return dir;
}

/** A live process standing in for another Loadout. */
async function otherProcess(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1 << 30)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  procs.push(p);
  await once(p.stdout!, 'data');
  return p;
}

function writeLock(stateDir: string, owner: object): void {
  writeFileSync(join(stateDir, LOCK_FILE), JSON.stringify(owner));
}

describe('StateLock', () => {
  it('refuses while another running process holds the lock, naming its pid, URL and the CLI', async () => {
    const stateDir = fresh();
    const other = await otherProcess();
    writeLock(stateDir, { pid: other.pid, procStart: processInfo(other.pid!)?.startTime, url: 'http://127.0.0.1:4321', startedAt: '2026-11-30T00:00:00.000Z' });
    let error: unknown = null;
    try {
      StateLock.acquire(stateDir, new Date().toISOString());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDirLocked);
    const message = (error as Error).message;
    expect(message).toContain(`pid ${other.pid}`);
    expect(message).toContain('listening on http://127.0.0.1:4321');
    expect(message).toContain('`loadout ps`');
    expect(readLockOwner(stateDir)?.pid).toBe(other.pid);
  });

  it('takes over a lock whose holder is gone', async () => {
    const stateDir = fresh();
    const dead = spawn(process.execPath, ['-e', '0']);
    await once(dead, 'exit');
    writeLock(stateDir, { pid: dead.pid, procStart: '1', url: 'http://127.0.0.1:1', startedAt: 'then' });
    const lock = StateLock.acquire(stateDir, 'now');
    expect(readLockOwner(stateDir)).toMatchObject({ pid: process.pid, url: null, startedAt: 'now' });
    lock.setUrl('http://127.0.0.1:5555');
    expect(readLockOwner(stateDir)?.url).toBe('http://127.0.0.1:5555');
    lock.release();
    expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose pid now belongs to another process (a recycled pid)', async () => {
    const stateDir = fresh();
    const other = await otherProcess();
    writeLock(stateDir, { pid: other.pid, procStart: 'not-its-start-time', url: null, startedAt: 'then' });
    StateLock.acquire(stateDir, 'now').release();
    expect(other.exitCode).toBeNull();
  });

  it('takes over an unreadable lock, and refuses a second lock in the same state dir', () => {
    const stateDir = fresh();
    writeFileSync(join(stateDir, LOCK_FILE), '{torn');
    const first = StateLock.acquire(stateDir, 'now');
    expect(() => StateLock.acquire(stateDir, 'later')).toThrow(StateDirLocked);
    first.release();
    StateLock.acquire(stateDir, 'after').release();
  });
});
