import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import { GpuSampler } from '../../../electron/engine/gpu/gpu-sampler.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import type { SpawnRequest, Spawner } from '../../../electron/engine/platform/spawner.js';

const MIB = 1024 * 1024;
// Only its presence on PATH matters here: the recording spawner below never runs it.
const BIN = fileURLToPath(new URL('../../fixtures/bin', import.meta.url));

class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  killed: string | null = null;
  constructor(readonly req: SpawnRequest) {
    super();
  }
  kill(signal: string): boolean {
    this.killed = signal;
    return true;
  }
  /** Ends the process the way Node reports it: exit, then close once the pipes are done. */
  exit(code: number): void {
    this.stdout.end();
    this.emit('exit', code, null);
    this.emit('close', code, null);
  }
}

class RecordingSpawner implements Spawner {
  readonly children: FakeChild[] = [];
  private readonly claimed = new Set<FakeChild>();
  private waiters: (() => void)[] = [];
  spawn(req: SpawnRequest): ChildProcess {
    const child = new FakeChild(req);
    this.children.push(child);
    for (const w of this.waiters.splice(0)) w();
    return child as unknown as ChildProcess;
  }
  streams(): FakeChild[] {
    return this.children.filter((c) => c.req.args.includes('-lms'));
  }
  /** Resolves with the oldest child matching `pick` that no earlier call returned, once it exists. */
  async next(pick: (c: FakeChild) => boolean): Promise<FakeChild> {
    for (;;) {
      const found = this.children.find((c) => pick(c) && !this.claimed.has(c));
      if (found) {
        this.claimed.add(found);
        return found;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

const isApps = (c: FakeChild) => c.req.args[0]?.startsWith('--query-compute-apps') ?? false;
const gpuLines = (used0: number, used1: number) =>
  `0, GPU-a, NVIDIA GeForce RTX 4090, 24564, ${used0}\n1, GPU-b, NVIDIA GeForce RTX 3090, 24576, ${used1}\n`;

function nextSample(sampler: GpuSampler, pred: (s: GpuSnapshot) => boolean): Promise<GpuSnapshot> {
  return new Promise((resolve) => {
    const off = sampler.onSample((s) => {
      if (!pred(s)) return;
      off();
      resolve(s);
    });
  });
}

let sampler: GpuSampler | null = null;
afterEach(() => sampler?.dispose());

describe('GpuSampler with nvidia-smi', () => {
  it('streams device ticks, joins the compute-apps query, and restarts a dead stream with backoff', async () => {
    const clock = new FakeClock();
    const spawner = new RecordingSpawner();
    sampler = new GpuSampler({ intervalMs: 1000, spawner, clock, logger: silentLogger, env: { PATH: BIN } });
    const started = sampler.start();

    const stream = await spawner.next((c) => c.req.args.includes('-lms'));
    expect(stream.req.args).toEqual(['--query-gpu=index,uuid,name,memory.total,memory.used', '--format=csv,noheader,nounits', '-lms', '1000']);
    stream.stdout.write(gpuLines(100, 200) + gpuLines(150, 250)); // the second tick's first line closes the first tick
    const apps = await spawner.next(isApps);
    apps.stdout.write('42, 64, GPU-b\n');
    apps.exit(0);
    await started;
    const first = sampler.current();
    expect(first.devices.map((d) => d.used_bytes)).toEqual([150 * MIB, 250 * MIB]);
    expect(first.processes).toEqual([{ pid: 42, model: null, used_bytes: 64 * MIB, device_index: 1 }]);
    expect(spawner.children.filter(isApps)).toHaveLength(1); // single-flight: both ticks, one query
    expect(sampler.history().map((h) => h.used)).toEqual([[150 * MIB, 250 * MIB]]);

    const down = nextSample(sampler, (s) => s.error != null);
    stream.exit(1);
    const stale = await down;
    expect(stale.devices).toEqual(first.devices);
    expect(stale.error).toMatch(/exited/);

    clock.advance(999);
    expect(spawner.streams()).toHaveLength(1);
    clock.advance(1);
    expect(spawner.streams()).toHaveLength(2);
    const restarted = spawner.streams()[1] as FakeChild;
    const recovered = nextSample(sampler, (s) => s.error === null);
    restarted.stdout.write(gpuLines(300, 400) + '\n');
    const apps2 = await spawner.next(isApps);
    apps2.exit(0);
    expect((await recovered).devices.map((d) => d.used_bytes)).toEqual([300 * MIB, 400 * MIB]);
    expect(sampler.history()).toHaveLength(2);

    sampler.dispose();
    expect(restarted.killed).toBe('SIGTERM');
  });

  it('reuses the process list while device memory is unchanged, and asks again when it changes or gets old', async () => {
    const clock = new FakeClock();
    const spawner = new RecordingSpawner();
    sampler = new GpuSampler({ intervalMs: 1000, spawner, clock, logger: silentLogger, env: { PATH: BIN } });
    const started = sampler.start();
    const stream = await spawner.next((c) => c.req.args.includes('-lms'));
    stream.stdout.write(gpuLines(100, 200) + '\n');
    (await spawner.next(isApps)).exit(0);
    await started;

    const same = nextSample(sampler, () => true);
    clock.advance(1000);
    stream.stdout.write(gpuLines(100, 200) + '\n');
    await same;
    expect(spawner.children.filter(isApps)).toHaveLength(1); // nothing changed: no new nvidia-smi process

    stream.stdout.write(gpuLines(100, 900) + '\n'); // a process grew or appeared
    const changed = await spawner.next(isApps);
    changed.stdout.write('77, 700, GPU-b\n');
    changed.exit(0);
    await nextSample(sampler, (s) => s.processes.some((p) => p.pid === 77));

    clock.advance(10_000); // unchanged, but the list is too old to trust
    stream.stdout.write(gpuLines(100, 900) + '\n');
    (await spawner.next(isApps)).exit(0);
    expect(spawner.children.filter(isApps)).toHaveLength(3);
  });

  it('doubles the restart delay while the stream keeps dying without a sample', async () => {
    const clock = new FakeClock();
    const spawner = new RecordingSpawner();
    sampler = new GpuSampler({ intervalMs: 1000, spawner, clock, logger: silentLogger, env: { PATH: BIN } });
    const started = sampler.start();
    (await spawner.next((c) => c.req.args.includes('-lms'))).exit(1);
    await started; // the first failure settles start(): the app must not wait on a broken driver
    expect(sampler.current().error).toMatch(/exited/);
    clock.advance(1000);
    (spawner.streams()[1] as FakeChild).exit(1);
    clock.advance(1999);
    expect(spawner.streams()).toHaveLength(2);
    clock.advance(1);
    expect(spawner.streams()).toHaveLength(3);
  });

  it('stops restarting once disposed', async () => {
    const clock = new FakeClock();
    const spawner = new RecordingSpawner();
    sampler = new GpuSampler({ intervalMs: 1000, spawner, clock, logger: silentLogger, env: { PATH: BIN } });
    const started = sampler.start();
    const stream = await spawner.next((c) => c.req.args.includes('-lms'));
    stream.exit(1);
    await started;
    sampler.dispose();
    clock.advance(60_000);
    expect(spawner.streams()).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});
