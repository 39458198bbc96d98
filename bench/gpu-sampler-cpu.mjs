#!/usr/bin/env node
// CPU cost of the GPU sampler at a 1 s interval, in this process: process.cpuUsage() over a window
// with the sampler running, against the same window with the same process idle, scaled to a minute.
// nvidia-smi is the fake at test/fixtures/bin/nvidia-smi, first on PATH. Also shown: the RAM source
// (no GPU tool found) and the CPU its child processes used (the fake is a Node script, so that figure
// is the fake's cost, not the real nvidia-smi's).
//   node bench/gpu-sampler-cpu.mjs [--seconds 15] [--interval-ms 1000]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, flag, fmt, main, requireBuild, sleep, table, tempDir } from './lib.mjs';

const SECONDS = flag('seconds', 15);
const INTERVAL_MS = flag('interval-ms', 1000);
const FAKE_BIN = join(REPO_ROOT, 'test', 'fixtures', 'bin');
const TICK_MS = 1000 / 100; // USER_HZ for /proc times; 100 on Linux

/** CPU (ms) of this process's reaped children, from /proc/self/stat cutime + cstime. */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the comm: state is index 0, so utime=11, stime=12, cutime=13, cstime=14.
    return (Number(f[13]) + Number(f[14])) * TICK_MS;
  } catch {
    return NaN;
  }
}

const cpuMs = (u) => (u.user + u.system) / 1000;

/** Measures this process over `seconds` while `during` runs (or nothing does). */
async function window(seconds) {
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const wall = performance.now() - t0;
  return { cpu: cpuMs(process.cpuUsage(c0)), wall, k0 };
}

async function withSampler(label, env, seconds) {
  // Imported here so that a missing build gets requireBuild()'s message, not a module error.
  const { GpuSampler } = await import('../dist/electron/engine/gpu/gpu-sampler.js');
  const { systemClock } = await import('../dist/electron/engine/platform/clock.js');
  const { silentLogger } = await import('../dist/electron/engine/platform/logger.js');
  let samples = 0;
  const sampler = new GpuSampler({ intervalMs: INTERVAL_MS, env, logger: silentLogger, clock: systemClock, pids: () => [] });
  sampler.onSample(() => samples++);
  await sampler.start();
  const source = sampler.current().source;
  await sleep(3 * INTERVAL_MS); // past start-up: module loads, JIT warm-up, the stream's first lines
  const before = samples;
  const w = await window(seconds);
  const taken = samples - before;
  sampler.dispose();
  await sleep(500); // let the killed children be reaped, so cutime counts them
  const childMs = childrenCpuMs() - w.k0;
  return { label: `${label} [${source}]`, cpu: w.cpu, wall: w.wall, samples: taken, childMs };
}

export async function run() {
  requireBuild();
  const dir = tempDir('gpu');
  try {
    // Two fake backends' worth of GPU processes (this process's pid stays alive), one other app.
    const gpuDir = join(dir.path, 'gpu');
    mkdirSync(gpuDir);
    writeFileSync(join(gpuDir, String(process.pid)), '4096');
    writeFileSync(join(gpuDir, String(process.ppid)), '2048@1');
    writeFileSync(join(gpuDir, 'other'), '512');
    const nvEnv = { ...process.env, PATH: `${FAKE_BIN}:${process.env.PATH ?? ''}`, FAKE_NVIDIA_GPUS: 'NVIDIA GeForce RTX 4090:24564,NVIDIA GeForce RTX 3090:24576', FAKE_GPU_DIR: gpuDir };
    const ramEnv = { ...process.env, PATH: '/nonexistent-bench-path' };

    await sleep(2000); // let start-up work (module loads, GC of start-up garbage) settle first
    const idle1 = await window(SECONDS);
    const nv = await withSampler('gpu sampler, fake nvidia-smi', nvEnv, SECONDS);
    const ram = await withSampler('gpu sampler, no nvidia-smi', ramEnv, SECONDS);
    const idle2 = await window(SECONDS);
    // The baseline is the idle window after the samplers ran: same modules loaded, same JIT state.
    // The first one still carries start-up work (V8 background compile/GC) and is only shown.
    const idle = { label: 'same process idle (after)', cpu: idle2.cpu, wall: idle2.wall, samples: 0, childMs: NaN };
    console.log(`idle windows: first ${fmt(idle1.cpu, 1)} ms (start-up tail, not used), after the samplers ${fmt(idle2.cpu, 1)} ms of CPU in ${fmt(idle2.wall / 1000, 1)} s`);
    const perMin = (x) => (x.cpu / x.wall) * 60_000;
    const idlePerMin = perMin(idle);
    table(
      `GPU sampler CPU, interval ${INTERVAL_MS} ms, ${SECONDS} s windows, scaled to one minute (ms CPU / min)`,
      ['window', 'samples', 'process CPU ms', 'ms CPU / min', 'minus idle', '% of one core', 'children ms / min'],
      [idle, nv, ram].map((x) => [x.label, x.samples, fmt(x.cpu, 1), fmt(perMin(x), 1), x === idle ? '-' : fmt(perMin(x) - idlePerMin, 1), fmt((perMin(x) / 60_000) * 100, 3), Number.isNaN(x.childMs) ? '-' : fmt((x.childMs / x.wall) * 60_000, 0)]),
    );
    console.log(`sampler (nvidia-smi) net cost: ${fmt(perMin(nv) - idlePerMin, 1)} ms CPU per minute in-process = ${fmt((perMin(nv) - idlePerMin) / Math.max(1, (nv.samples / nv.wall) * 60_000), 2)} ms per sample; ratio to idle ${fmt(perMin(nv) / idlePerMin, 1)}x`);
    return { idlePerMin, nvPerMin: perMin(nv), ramPerMin: perMin(ram), nv, ram };
  } finally {
    dir.remove();
  }
}

await main(import.meta.url, run);
