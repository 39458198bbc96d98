import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import { attributeVram } from '../../../electron/engine/gpu/attribute-vram.js';
import { GpuSampler, type GpuSamplerOptions } from '../../../electron/engine/gpu/gpu-sampler.js';
import { PgidResolver } from '../../../electron/engine/gpu/pgid-resolver.js';
import { systemClock } from '../../../electron/engine/platform/clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { nodeSpawner, type Spawner } from '../../../electron/engine/platform/spawner.js';

const MIB = 1024 * 1024;
const BIN = fileURLToPath(new URL('../../fixtures/bin', import.meta.url));
const IDLE = 'setInterval(() => {}, 1e9)';
/** A process group leader that starts one child in its group and prints the child's pid. */
const LEADER = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(IDLE)}], { stdio: 'ignore' }); console.log(c.pid); ${IDLE}`;

let dir: string;
let sampler: GpuSampler | null;
let children: ChildProcess[];
let spawned: ChildProcess[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loadout-gpu-'));
  sampler = null;
  children = [];
  spawned = [];
});

afterEach(() => {
  sampler?.dispose();
  for (const c of children) if (c.pid && c.exitCode === null && c.signalCode === null) kill(c);
  rmSync(dir, { recursive: true, force: true });
});

function kill(c: ChildProcess): void {
  try {
    // Leaders were started detached: signal the whole group so no grandchild outlives the test.
    process.kill(c.spawnargs.includes('leader') ? -(c.pid as number) : (c.pid as number), 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function fakeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [BIN, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter),
    FAKE_NVIDIA_GPUS: 'NVIDIA GeForce RTX 4090:24564,NVIDIA GeForce RTX 3090:24576',
    FAKE_GPU_DIR: dir,
    ...extra,
  };
}

/** Records what the sampler spawns, so tests can check nothing is left running. */
const recordingSpawner: Spawner = {
  spawn(req) {
    const child = nodeSpawner.spawn(req);
    spawned.push(child);
    return child;
  },
};

async function startSampler(opts: Partial<GpuSamplerOptions> = {}): Promise<GpuSampler> {
  sampler = new GpuSampler({ intervalMs: 100, clock: systemClock, logger: silentLogger, env: fakeEnv(), spawner: recordingSpawner, ...opts });
  await sampler.start();
  return sampler;
}

/** Resolves with the first sample (current or future) that satisfies `pred`. */
function sampleWhere(s: GpuSampler, what: string, pred: (snap: GpuSnapshot) => boolean, timeoutMs = 10_000): Promise<GpuSnapshot> {
  if (pred(s.current())) return Promise.resolve(s.current());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no sample with ${what} within ${timeoutMs} ms; last: ${JSON.stringify(s.current())}`));
    }, timeoutMs);
    const off = s.onSample((snap) => {
      if (!pred(snap)) return;
      clearTimeout(timer);
      off();
      resolve(snap);
    });
  });
}

function idleChild(): ChildProcess {
  const c = spawn(process.execPath, ['-e', IDLE], { stdio: 'ignore' });
  children.push(c);
  return c;
}

async function groupLeader(): Promise<{ leader: ChildProcess; childPid: number }> {
  const leader = spawn(process.execPath, ['-e', LEADER, '--', 'leader'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  children.push(leader);
  const lines = createInterface({ input: leader.stdout as NodeJS.ReadableStream });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    leader.once('exit', (code) => reject(new Error(`group leader exited (${code}) before naming its child`)));
  });
  lines.close();
  return { leader, childPid: Number(line) };
}

describe.skipIf(process.platform === 'win32')('GpuSampler against a fake nvidia-smi', () => {
  it('reads both devices from the long-running stream', async () => {
    const s = await startSampler();
    const snap = s.current();
    expect(snap.source).toBe('nvidia-smi');
    expect(snap.error).toBeNull();
    expect(snap.devices.map((d) => [d.index, d.name, d.total_bytes])).toEqual([
      [0, 'NVIDIA GeForce RTX 4090', 24564 * MIB],
      [1, 'NVIDIA GeForce RTX 3090', 24576 * MIB],
    ]);
    expect(spawned.filter((c) => c.spawnargs.includes('-lms'))).toHaveLength(1);
  });

  it('reports a live process on its GPU and drops it once it exits', async () => {
    const s = await startSampler();
    const child = idleChild();
    writeFileSync(path.join(dir, String(child.pid)), '2048@1');
    const seen = await sampleWhere(s, `pid ${child.pid}`, (x) => x.processes.some((p) => p.pid === child.pid));
    expect(seen.processes).toContainEqual({ pid: child.pid, model: null, used_bytes: 2048 * MIB, device_index: 1 });
    expect(seen.devices[1]?.used_bytes).toBe(2048 * MIB);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const gone = await sampleWhere(s, `pid ${child.pid} gone`, (x) => !x.processes.some((p) => p.pid === child.pid));
    expect(gone.devices[1]?.used_bytes).toBe(0);
  });

  it("attributes a backend's child process to the model of its process group", async () => {
    const s = await startSampler();
    const { leader, childPid } = await groupLeader();
    const stranger = idleChild();
    writeFileSync(path.join(dir, String(childPid)), '1536');
    writeFileSync(path.join(dir, String(stranger.pid)), '512');
    const snap = await sampleWhere(s, 'both pids', (x) => [childPid, stranger.pid].every((pid) => x.processes.some((p) => p.pid === pid)));
    const resolver = new PgidResolver({ clock: systemClock });
    await resolver.refresh(snap.processes.map((p) => p.pid));
    const { snapshot, perModel } = attributeVram(snap, [{ model: 'qwen3-8b', pgid: leader.pid as number }], resolver.pgidOf);
    expect(perModel.get('qwen3-8b')).toBe(1536 * MIB);
    expect(snapshot.processes.find((p) => p.pid === childPid)?.model).toBe('qwen3-8b');
    expect(snapshot.processes.find((p) => p.pid === stranger.pid)?.model).toBeNull();
  });

  it("follows another application's memory as it changes", async () => {
    const s = await startSampler();
    writeFileSync(path.join(dir, 'other'), '1000');
    await sampleWhere(s, 'other = 1000 MiB', (x) => x.devices[0]?.used_bytes === 1000 * MIB);
    writeFileSync(path.join(dir, 'other'), '7000');
    const after = await sampleWhere(s, 'other = 7000 MiB', (x) => x.devices[0]?.used_bytes === 7000 * MIB);
    expect(after.processes).toEqual([]);
    expect(s.history().some((h) => h.used[0] === 1000 * MIB)).toBe(true);
    expect(s.history().at(-1)?.used).toEqual([7000 * MIB, 0]);
  });

  it('serves the last snapshot flagged with an error while the stream restarts, then recovers', async () => {
    const s = await startSampler({ env: fakeEnv({ FAKE_NVIDIA_DIE_AFTER: '1' }) });
    await sampleWhere(s, 'devices', (x) => x.devices.length === 2);
    writeFileSync(path.join(dir, 'die-once'), ''); // the stream's next tick exits
    const down = await sampleWhere(s, 'an error', (x) => typeof x.error === 'string');
    expect(down.devices).toHaveLength(2);
    const back = await sampleWhere(s, 'the error cleared', (x) => x.error === null && x.at !== down.at);
    expect(back.devices).toHaveLength(2);
    expect(existsSync(path.join(dir, 'die-once'))).toBe(false);
    expect(spawned.filter((c) => c.spawnargs.includes('-lms'))).toHaveLength(2);
  });

  it('leaves no nvidia-smi running after dispose', async () => {
    const s = await startSampler();
    const stream = spawned.find((c) => c.spawnargs.includes('-lms')) as ChildProcess;
    const exited = once(stream, 'exit');
    s.dispose();
    await exited;
    expect(stream.signalCode).toBe('SIGTERM');
  });
});

describe('GpuSampler without a GPU tool', () => {
  it('falls back to system memory', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'loadout-empty-'));
    try {
      const s = await startSampler({ env: { PATH: empty }, sysfsRoot: empty });
      const snap = s.current();
      expect(snap.source).toBe(process.platform === 'darwin' && process.arch === 'arm64' ? 'unified' : 'ram');
      expect(snap.devices).toHaveLength(1);
      expect(snap.devices[0]?.total_bytes).toBe(os.totalmem());
      expect(spawned).toHaveLength(0);
      await sampleWhere(s, 'a second sample', (x) => x.at !== snap.at && x.at !== null);
      expect(s.history().length).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
