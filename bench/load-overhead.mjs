#!/usr/bin/env node
// Load overhead from the client's point of view, against same-run baselines:
//   1. readiness: (moment `POST /api/models/NAME/load` returns) - (moment the backend's socket is
//      listening), the backend serving at once (--loading-ms 0). Baseline: the same backend spawned by
//      this script and polled on /health with a new connection every 1 ms.
//   2. the same with a backend that answers 503 for --loading-ms after it listens (llama-server loading
//      its model): load return - the backend's healthy moment.
//   3. group swap: models a and b share a concurrency group; each load of one stops the other. Loadout's
//      share = its swap time - the ideal swap (this script stopping one backend and starting the other,
//      1 ms poll), the two taken in alternating turns: what a swap costs beyond the backends' own stop
//      and start.
//   node bench/load-overhead.mjs [--loads 30] [--loading-ms 300] [--swaps 20]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  SERVE, TIMED_BACKEND, flag, fmt, freePort, http, httpOk, median, mono, percentile, readJsonLines,
  requireBuild, sleep, startChild, table, tempDir, writeConfig,
  main,
} from './lib.mjs';
import { trackBackend, trackDir, trackEngine } from './cleanup.mjs';

const LOADS = flag('loads', 30);
const LOADING_MS = flag('loading-ms', 300);
const SWAPS = flag('swaps', 20);
const WARMUP = 2;

export const TARGETS = { readyMs: 5, swapShareMs: 20 };

/** The backend's own moments (monotonic ms) for the last line of `file` written by `pid`. */
function readyOf(file, pid) {
  const line = readJsonLines(file).filter((l) => l.pid === pid).at(-1);
  if (!line) throw new Error(`no ready line in ${file} for pid ${pid}`);
  return line;
}

/** Overhead of one finished load against the backend's own moments. */
const sample = (end, t0, ready) => ({ fromListening: end - ready.listeningMono, fromHealthy: end - ready.healthyMono, total: end - t0 });

async function viaLoadout(dir, loadingMs) {
  const readyFile = join(dir, `loadout-ready-${loadingMs}.jsonl`);
  const configFile = writeConfig(join(dir), { m: `--loading-ms ${loadingMs} --ready-file ${readyFile}` });
  const engine = trackEngine(await startChild(SERVE, [configFile]));
  const rows = [];
  try {
    for (let i = 0; i < WARMUP + LOADS; i++) {
      const t0 = mono();
      const res = await httpOk(`${engine.url}/api/models/m/load`, { method: 'POST', body: {} });
      const view = JSON.parse(res.body);
      if (i >= WARMUP) rows.push(sample(res.end, t0, readyOf(readyFile, view.pid)));
      await httpOk(`${engine.url}/api/models/m/unload`, { method: 'POST', body: {} });
    }
  } finally {
    await engine.stop();
  }
  return rows;
}

/** Spawns the timed backend on a free port and polls /health with a 1 ms gap; resolves once it answers 200. */
async function spawnAndPoll(name, loadingMs, readyFile) {
  const port = await freePort();
  const args = [TIMED_BACKEND, '--port', String(port), '--name', name, '--loading-ms', String(loadingMs), ...(readyFile ? ['--ready-file', readyFile] : [])];
  // A process group of its own, killed with it if the benchmark is stopped (see cleanup.mjs).
  const child = trackBackend(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
  child.stdout.resume();
  child.stderr.resume();
  const exited = new Promise((r) => child.once('exit', r));
  const deadline = mono() + 10_000 + loadingMs;
  while (mono() < deadline) {
    const r = await http(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' }, timeoutMs: 1000 }).catch(() => null);
    if (r && r.status === 200) return { child, port, seen: r.end, stop: () => (child.kill('SIGTERM'), exited) };
    await sleep(1);
  }
  child.kill('SIGKILL');
  throw new Error('direct backend never became healthy');
}

async function direct(dir, loadingMs) {
  const readyFile = join(dir, `direct-ready-${loadingMs}.jsonl`);
  const rows = [];
  for (let i = 0; i < WARMUP + LOADS; i++) {
    const t0 = mono();
    const b = await spawnAndPoll('direct', loadingMs, readyFile);
    if (i >= WARMUP) rows.push(sample(b.seen, t0, readyOf(readyFile, b.child.pid)));
    await b.stop();
  }
  return rows;
}

/**
 * Group swaps, Loadout's and the ideal's in alternating turns so that drift on the machine hits both
 * alike. Loadout: alternate loads of a and b (one concurrency group), each one a swap. The ideal: stop
 * the running backend (SIGTERM, wait for its exit), spawn the other, 1 ms poll.
 */
async function swaps(dir) {
  const configFile = writeConfig(dir, { a: '--loading-ms 0', b: '--loading-ms 0' });
  // writeConfig knows no groups: add them to both models.
  const { readFileSync, writeFileSync } = await import('node:fs');
  writeFileSync(configFile, readFileSync(configFile, 'utf8').replace(/(\n {4}backend: timed)/g, '$1\n    concurrency_groups: [g]'));
  const engine = trackEngine(await startChild(SERVE, [configFile]));
  let current = await spawnAndPoll('a', 0, null);
  const loadout = [];
  const ideal = [];
  try {
    await httpOk(`${engine.url}/api/models/a/load`, { method: 'POST', body: {} });
    const viaLoadout = async (next) => {
      const t0 = mono();
      const res = await httpOk(`${engine.url}/api/models/${next}/load`, { method: 'POST', body: {} });
      return res.end - t0;
    };
    const viaIdeal = async (next) => {
      const t0 = mono();
      await current.stop();
      current = await spawnAndPoll(next, 0, null);
      return current.seen - t0;
    };
    for (let i = 0; i < WARMUP + SWAPS; i++) {
      const next = i % 2 === 0 ? 'b' : 'a';
      // Who goes first alternates too.
      let l;
      let d;
      if (i % 4 < 2) {
        l = await viaLoadout(next);
        d = await viaIdeal(next);
      } else {
        d = await viaIdeal(next);
        l = await viaLoadout(next);
      }
      if (i >= WARMUP) {
        loadout.push(l);
        ideal.push(d);
      }
    }
    const events = JSON.parse((await httpOk(`${engine.url}/api/events?limit=10000`)).body).events;
    const evicted = events.filter((e) => e.type === 'model_evicted').length;
    if (evicted < WARMUP + SWAPS) throw new Error(`expected a group eviction per swap, saw ${evicted}`);
  } finally {
    await current.stop();
    await engine.stop();
  }
  return { loadout, ideal };
}

const stats = (v) => ({ min: Math.min(...v), p50: median(v), p90: percentile(v, 90), max: Math.max(...v), n: v.length });

export async function run() {
  requireBuild();
  const dir = trackDir(tempDir('load'));
  try {
    // Direct before and after Loadout: drift on the machine shows as a gap between the two direct runs.
    const readyD = [...(await direct(dir.path, 0))];
    const readyL = await viaLoadout(dir.path, 0);
    readyD.push(...(await direct(dir.path, 0)));
    const loadingL = await viaLoadout(dir.path, LOADING_MS);
    const loadingD = await direct(dir.path, LOADING_MS);
    const { loadout: swapL, ideal: swapI } = await swaps(dir.path);

    const rowOf = (label, v, total) => {
      const s = stats(v);
      return [label, s.n, fmt(s.min), fmt(s.p50), fmt(s.p90), fmt(s.max), total === undefined ? '-' : fmt(median(total), 1)];
    };
    const head = ['path', 'n', 'min', 'p50', 'p90', 'max', 'spawn->ready p50'];
    table(`readiness: load returns (direct: first 200) - backend listening (ms), backend serving at once, ${LOADS} loads`, head, [
      rowOf('direct (1 ms /health poll)', readyD.map((r) => r.fromListening), readyD.map((r) => r.total)),
      rowOf('loadout POST /load', readyL.map((r) => r.fromListening), readyL.map((r) => r.total)),
    ]);
    table(`readiness after loading: load returns - backend healthy (ms), --loading-ms ${LOADING_MS} (503 until then), ${LOADS} loads`, head, [
      rowOf('direct (1 ms /health poll)', loadingD.map((r) => r.fromHealthy), loadingD.map((r) => r.total)),
      rowOf('loadout POST /load', loadingL.map((r) => r.fromHealthy), loadingL.map((r) => r.total)),
    ]);
    table(`group swap: a load that stops the other member of a concurrency group (ms), ${SWAPS} swaps`, head, [
      rowOf('ideal (SIGTERM, wait, spawn, 1 ms poll)', swapI),
      rowOf('loadout POST /load', swapL),
    ]);
    const ready = median(readyL.map((r) => r.fromListening));
    const share = median(swapL) - median(swapI);
    const v = (ok) => (ok ? 'met' : 'MISSED');
    console.log(`loadout: ready ${fmt(ready)} ms after listening (target <= ${TARGETS.readyMs}) ${v(ready <= TARGETS.readyMs)}; own share of a group swap ${fmt(share)} ms (target <= ${TARGETS.swapShareMs}) ${v(share <= TARGETS.swapShareMs)}`);
    return {
      ready: { loadout: stats(readyL.map((r) => r.fromListening)), direct: stats(readyD.map((r) => r.fromListening)) },
      loading: { loadout: stats(loadingL.map((r) => r.fromHealthy)), direct: stats(loadingD.map((r) => r.fromHealthy)) },
      swap: { loadout: stats(swapL), ideal: stats(swapI), share },
    };
  } finally {
    dir.remove();
  }
}

await main(import.meta.url, run);
