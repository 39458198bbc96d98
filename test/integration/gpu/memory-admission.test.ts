import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEventOf } from '../../../shared/events.js';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import { perTestService, type ConfigOptions, type TestService } from '../../helpers/loadout.js';

// GPU memory against a fake nvidia-smi first on PATH: one 24 GiB card whose used memory is the sum of
// the fake backends' --vram-mib files (children included) plus what "another app" holds.

const FAKE_BIN = fileURLToPath(new URL('../../fixtures/bin', import.meta.url));
const MiB = 1024 * 1024;
let gpuDir: string;
let savedPath: string | undefined;
const bootService = perTestService();

beforeAll(() => {
  gpuDir = mkdtempSync(join(tmpdir(), 'loadout-gpu-'));
  savedPath = process.env.PATH;
  // The service runs in this process: the sampler finds nvidia-smi on this PATH and backends inherit FAKE_GPU_DIR.
  process.env.PATH = `${FAKE_BIN}:${savedPath}`;
  process.env.FAKE_GPU_DIR = gpuDir;
  process.env.FAKE_NVIDIA_GPUS = 'NVIDIA GeForce RTX 4090:24576';
});

afterAll(() => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_GPU_DIR;
  delete process.env.FAKE_NVIDIA_GPUS;
  rmSync(gpuDir, { recursive: true, force: true });
});

afterEach(() => rmSync(join(gpuDir, 'other'), { force: true })); // not every test simulates another app

const boot = (config: ConfigOptions): Promise<TestService> => bootService({ ...config, watchdog: { vram_headroom: 0, ...config.watchdog } });

const gpu = async (s: TestService) => (await s.req<GpuSnapshot>('GET', '/api/gpu')).json;

describe('GPU memory', () => {
  it('attributes VRAM to the model whose process group holds it, children included', async () => {
    const s = await boot({ models: { a: { args: '--vram-mib 3000 --fork-child --child-vram-mib 1000' } } });
    const a = await s.load('a');
    expect(a.status).toBe(200);
    const m = await s.waitView('a', (v) => v.vram_bytes === 4000 * MiB);
    const snap = await gpu(s);
    expect(snap.source).toBe('nvidia-smi');
    expect(snap.processes.filter((p) => p.model === 'a').map((p) => p.used_bytes).sort()).toEqual([1000 * MiB, 3000 * MiB]);
    expect(snap.processes.find((p) => p.pid === m.pid)?.model).toBe('a');
  });

  it('evicts the least recently used idle model so that a new one fits, then starts it (reason memory)', async () => {
    const s = await boot({ models: { a: { args: '--vram-mib 10000', vram: '10000MiB' }, b: { args: '--vram-mib 10000', vram: '10000MiB' }, c: { args: '--vram-mib 8000', vram: '8000MiB' } } });
    expect((await s.load('a')).status).toBe(200);
    expect((await s.load('b')).status).toBe(200);
    // Wait for the samples (events, not time: a busy machine may take seconds to run nvidia-smi).
    await s.waitView('b', (v) => v.vram_bytes === 10000 * MiB);
    await s.waitView('a', (v) => v.vram_bytes === 10000 * MiB);
    await s.waitGpu((g) => g.devices[0]?.used_bytes === 20000 * MiB);
    expect((await s.chat('b')).status).toBe(200); // a is now the least recently used
    const c = await s.load('c');
    expect(c.status).toBe(200);
    const evicted = s.of('model_evicted') as LoadoutEventOf<'model_evicted'>[];
    expect(evicted.map((e) => [e.model, e.reason, e.data.for])).toEqual([['a', 'memory', 'c']]);
    expect(evicted[0]!.data.vram_bytes).toBe(10000 * MiB);
    // The stop is reported once the memory is back, with the device use before and after.
    const stopped = (await s.waitType('model_stopped', 'a', 20_000)) as LoadoutEventOf<'model_stopped'>;
    expect(stopped.data).toMatchObject({ vram_before: 20000 * MiB, vram_after: 10000 * MiB });
    expect(stopped.message).toMatch(/GPU memory 19\.5 GiB → 9\.8 GiB/);
    expect((await s.model('b')).state).toBe('ready');
  });

  it('refuses with 409 no_memory naming what holds the memory when only pinned models could make room', async () => {
    const s = await boot({ models: { a: { args: '--vram-mib 12000', pinned: true }, b: { args: '--vram-mib 8000', vram: '8000MiB' } } });
    writeFileSync(join(gpuDir, 'other'), '6000'); // another application holds 6000 MiB
    expect((await s.load('a')).status).toBe(200);
    await s.waitView('a', (v) => v.vram_bytes === 12000 * MiB);
    await s.waitGpu((g) => g.devices[0]?.used_bytes === 18000 * MiB); // the other app's memory is visible
    const b = await s.load('b');
    expect(b.status).toBe(409);
    expect(b.json.error.code).toBe('no_memory');
    expect(b.json.error.message).toMatch(/held by a \(11\.7 GiB\), other processes \(5\.9 GiB\)/);
    const refused = s.of('load_refused', 'b');
    expect(refused[0]).toMatchObject({ reason: 'no_memory', data: { blocking: ['a'] } });
    expect((await s.model('b')).state).toBe('stopped');
  });

  it('reclaims memory above the threshold: evicts the LRU idle unpinned model, once, and waits for it to come back', async () => {
    const s = await boot({
      models: { a: { args: '--vram-mib 8000' }, b: { args: '--vram-mib 8000', pinned: true } },
      watchdog: { memory_reclaimer: true, memory_threshold: 0.9 },
    });
    expect((await s.load('a')).status).toBe(200);
    expect((await s.load('b')).status).toBe(200);
    writeFileSync(join(gpuDir, 'other'), '7000'); // another app pushes use to 23000/24576 = 94 %
    const ev = await s.waitEvent((e) => e.type === 'model_evicted' && e.reason === 'memory', 10_000, 'memory eviction');
    expect(ev.model).toBe('a');
    expect(ev.message).toMatch(/above memory_threshold 90%/);
    // Once a's memory is back (15000/24576 = 61 %), nothing else goes: b is pinned and use is below the threshold.
    await s.waitGpu((g) => g.devices[0]?.used_bytes === 15000 * MiB); // memory released
    await s.waitView('a', (v) => v.state === 'stopped');
    expect(s.of('model_evicted')).toHaveLength(1);
    expect((await s.model('b')).state).toBe('ready');
  });

  it('keeps serving GPU data after the sampler process dies, and recovers', async () => {
    writeFileSync(join(gpuDir, 'die-once'), '');
    process.env.FAKE_NVIDIA_DIE_AFTER = '1';
    try {
      const s = await boot({ models: { a: { args: '--vram-mib 2000' } } });
      expect((await s.load('a')).status).toBe(200);
      // The stream died after its first sample; the sampler restarts it and attribution resumes.
      await s.waitView('a', (v) => v.vram_bytes === 2000 * MiB);
      expect(existsSync(join(gpuDir, 'die-once')), 'the fake nvidia-smi stream died once').toBe(false);
      const snap = await gpu(s);
      expect(snap.error ?? null).toBeNull();
      expect(snap.devices[0]!.total_bytes).toBe(24576 * MiB);
    } finally {
      delete process.env.FAKE_NVIDIA_DIE_AFTER;
    }
  });
});

describe('GPU memory ledger (concurrent loads)', () => {
  it('never runs two 14 GiB models at once on a 24 GiB card when both are loaded at the same time', async () => {
    const spec = { args: '--vram-mib 14336 --loading-ms 300', vram: '14336MiB' };
    const s = await boot({ models: { a: spec, b: spec } });
    const [ra, rb] = await Promise.all([s.load('a'), s.load('b')]);
    // One starts; the other waits for it (its memory is reserved while it starts), then evicts it once idle.
    expect([ra.status, rb.status]).toEqual([200, 200]);
    let live = 0;
    let most = 0;
    for (const e of s.events) {
      if (e.type === 'model_starting') live++;
      else if (e.type === 'model_stopped' || e.type === 'model_failed') live--;
      most = Math.max(most, live);
    }
    expect(most).toBe(1);
    expect(s.of('model_evicted')).toMatchObject([{ reason: 'memory' }]);
  });
});
