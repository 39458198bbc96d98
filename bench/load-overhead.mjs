#!/usr/bin/env node
// Load overhead: (moment `POST /api/models/NAME/load` returns) - (moment the backend itself is
// listening AND healthy), over N loads with an unload between them. Baseline in the same run: the
// same backend spawned by this script and detected by polling /health every 1 ms.
//   node bench/load-overhead.mjs [--loads 30] [--loading-ms 300]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  SERVE, TIMED_BACKEND, flag, fmt, freePort, http, httpOk, median, mono, percentile, readJsonLines,
  requireBuild, sleep, startChild, table, tempDir, writeConfig,
  main,
} from './lib.mjs';

const LOADS = flag('loads', 30);
const LOADING_MS = flag('loading-ms', 300);
const WARMUP = 2;

/** The backend's own ready moment (monotonic ms) for the last line of `file` written by `pid`. */
function readyOf(file, pid) {
  const line = readJsonLines(file).filter((l) => pid === undefined || l.pid === pid).at(-1);
  if (!line) throw new Error(`no ready line in ${file}${pid ? ` for pid ${pid}` : ''}`);
  return line;
}

async function viaLoadout(dir) {
  const readyFile = join(dir, 'loadout-ready.jsonl');
  const configFile = writeConfig(dir, { m: `--loading-ms ${LOADING_MS} --ready-file ${readyFile}` });
  const engine = await startChild(SERVE, [configFile]);
  const rows = [];
  try {
    for (let i = 0; i < WARMUP + LOADS; i++) {
      const t0 = mono();
      const res = await httpOk(`${engine.url}/api/models/m/load`, { method: 'POST', body: {} });
      const view = JSON.parse(res.body);
      const ready = readyOf(readyFile, view.pid);
      if (i >= WARMUP) rows.push({ overhead: res.end - ready.healthyMono, total: res.end - t0, loading: ready.healthyMono - ready.listeningMono });
      await httpOk(`${engine.url}/api/models/m/unload`, { method: 'POST', body: {} });
    }
  } finally {
    await engine.stop();
  }
  return rows;
}

/** Spawn the backend ourselves and poll /health with a 1 ms gap: the best a poller can do. */
async function direct(dir) {
  const readyFile = join(dir, 'direct-ready.jsonl');
  const rows = [];
  for (let i = 0; i < WARMUP + LOADS; i++) {
    const port = await freePort();
    const t0 = mono();
    const child = spawn(process.execPath, [TIMED_BACKEND, '--port', String(port), '--name', 'direct', '--loading-ms', String(LOADING_MS), '--ready-file', readyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise((r) => child.once('exit', r));
    let seen = null;
    const deadline = t0 + 10_000 + LOADING_MS;
    while (mono() < deadline) {
      const r = await http(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' }, timeoutMs: 1000 }).catch(() => null);
      if (r && r.status === 200) {
        seen = r.end;
        break;
      }
      await sleep(1);
    }
    if (seen === null) throw new Error('direct backend never became healthy');
    const ready = readyOf(readyFile, child.pid);
    if (i >= WARMUP) rows.push({ overhead: seen - ready.healthyMono, total: seen - t0, loading: ready.healthyMono - ready.listeningMono });
    child.kill('SIGTERM');
    await exited;
  }
  return rows;
}

function summary(label, rows) {
  const o = rows.map((r) => r.overhead);
  const t = rows.map((r) => r.total);
  return { label, p50: median(o), p90: percentile(o, 90), max: Math.max(...o), min: Math.min(...o), total: median(t), n: rows.length };
}

export async function run() {
  requireBuild();
  const dir = tempDir('load');
  try {
    // Direct first, then Loadout, then direct again: drift on the machine shows as a gap between the two direct runs.
    const d1 = await direct(dir.path);
    const l = await viaLoadout(dir.path);
    const d2 = await direct(dir.path);
    const d = summary('direct (1 ms /health poll)', [...d1, ...d2]);
    const s = summary('loadout POST /load', l);
    table(
      `load overhead: response/detection moment - backend healthy moment (ms), ${LOADS} loads each, --loading-ms ${LOADING_MS}`,
      ['path', 'n', 'min', 'p50', 'p90', 'max', 'spawn->ready p50'],
      [d, s].map((x) => [x.label, x.n, fmt(x.min), fmt(x.p50), fmt(x.p90), fmt(x.max), fmt(x.total, 1)]),
    );
    console.log(`ratio loadout/direct p50: ${fmt(s.p50 / d.p50)}x   added over direct p50: ${fmt(s.p50 - d.p50)} ms   target: loadout p50 < 20 ms -> ${s.p50 < 20 ? 'MET' : 'MISSED'}`);
    return { direct: d, loadout: s };
  } finally {
    dir.remove();
  }
}

await main(import.meta.url, run);
