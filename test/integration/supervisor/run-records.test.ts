import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { isProcessAlive, processInfo } from '../../../electron/engine/supervisor/process-info.js';
import { RunRecords } from '../../../electron/engine/supervisor/run-records.js';
import { Harness, waitForLine, waitGone } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

describe('RunRecords', () => {
  it('records a live backend and reaps it, child included, after the engine "crashed"', async () => {
    h = new Harness();
    const b = await h.backend(['--fork-child', '--ignore-sigterm', '--name', 'orphan'], { model: 'orphan' });
    expect((await b.start()).ok).toBe(true);
    await waitForLine(h.logs, 'orphan', /child \d+ sleeping/);
    const [child] = h.forkedChildren('orphan');
    expect(readdirSync(join(h.stateDir, 'runs'))).toEqual([`${b.pid}.json`]);

    // A new engine start reads what the previous one left behind.
    const reaped = await new RunRecords(h.stateDir).reapOrphans(silentLogger);
    expect(reaped).toEqual([{ pid: b.pid, model: 'orphan' }]);
    expect(await waitGone(b.pid!)).toBe(true);
    expect(await waitGone(child!)).toBe(true);
    expect(readdirSync(join(h.stateDir, 'runs'))).toEqual([]);
  });

  it('deletes the record of a pid that is no longer running', async () => {
    h = new Harness();
    const gone = spawn(process.execPath, ['-e', '0']);
    await once(gone, 'exit');
    const records = new RunRecords(h.stateDir);
    records.add({ model: 'dead', instance: 1, pid: gone.pid!, startedAt: new Date().toISOString(), cmd: ['x'] });
    expect(await records.reapOrphans(silentLogger)).toEqual([]);
    expect(readdirSync(join(h.stateDir, 'runs'))).toEqual([]);
  });

  it('never kills a process whose pid was recycled since the record was written', async () => {
    h = new Harness();
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: true, stdio: 'ignore' });
    h.track(bystander.pid!);
    const dir = join(h.stateDir, 'runs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${bystander.pid}.json`);
    writeFileSync(file, JSON.stringify({ model: 'old', instance: 1, pid: bystander.pid, startedAt: '2020-01-01T00:00:00.000Z', cmd: ['x'], procStart: '1' }));
    expect(await new RunRecords(h.stateDir).reapOrphans(silentLogger)).toEqual([]);
    expect(isProcessAlive(bystander.pid!)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  // Issue 8: a second Loadout reaped the first one's live backends as "left over from a crash".
  it('leaves the records of a live owner alone and reaps them once that owner is gone', async () => {
    h = new Harness();
    const sleeper = ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1 << 30)'];
    const owner = spawn(process.execPath, sleeper, { stdio: ['ignore', 'pipe', 'ignore'] });
    h.track(owner.pid!);
    await once(owner.stdout!, 'data');
    const backend = spawn(process.execPath, sleeper, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    h.track(backend.pid!);
    await once(backend.stdout!, 'data');
    const theirs = new RunRecords(h.stateDir, { pid: owner.pid!, procStart: processInfo(owner.pid!)?.startTime ?? null });
    theirs.add({ model: 'theirs', instance: 1, pid: backend.pid!, startedAt: new Date().toISOString(), cmd: ['x'] });

    expect(await new RunRecords(h.stateDir).reapOrphans(silentLogger)).toEqual([]);
    expect(isProcessAlive(backend.pid!)).toBe(true);
    expect(readdirSync(join(h.stateDir, 'runs'))).toEqual([`${backend.pid}.json`]);

    owner.kill('SIGKILL');
    await once(owner, 'exit');
    expect(await new RunRecords(h.stateDir).reapOrphans(silentLogger)).toEqual([{ pid: backend.pid, model: 'theirs' }]);
    expect(await waitGone(backend.pid!)).toBe(true);
  });

  it('drops unreadable records', async () => {
    h = new Harness();
    const dir = join(h.stateDir, 'runs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '123.json'), '{not json');
    writeFileSync(join(dir, '1.json'), JSON.stringify({ model: 'init', pid: 1 }));
    expect(await new RunRecords(h.stateDir).reapOrphans(silentLogger)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
