#!/usr/bin/env node
// Runs every benchmark, each in a fresh Node process (so one's leftovers - heap, sockets, JIT state -
// never colour the next), and ends with one summary of the targets.
//   node bench/run.mjs [--only load,proxy,rss,gpu] [flags of the single scripts, e.g. --loads 30 --seconds 15]
// Every other flag is passed to each script. Needs a build: npm run build:node. Loopback only.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, fmt, flag, requireBuild, table, tempDir } from './lib.mjs';

requireBuild();
const SCRIPTS = { load: 'load-overhead.mjs', proxy: 'proxy-overhead.mjs', swap: 'swap-clients.mjs', rss: 'rss-200-models.mjs', gpu: 'gpu-sampler-cpu.mjs' };
const only = String(flag('only', Object.keys(SCRIPTS).join(','))).split(',');
const passThrough = process.argv.slice(2).filter((a, i, all) => a !== '--only' && all[i - 1] !== '--only');
const results = {};
const t0 = performance.now();
const out = tempDir('run');
let failed = false;
for (const key of only) {
  const script = SCRIPTS[key];
  if (!script) throw new Error(`--only: unknown benchmark "${key}" (known: ${Object.keys(SCRIPTS).join(', ')})`);
  const json = join(out.path, `${key}.json`);
  const r = spawnSync(process.execPath, [join(BENCH_DIR, script), ...passThrough, '--json', json], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${script} failed (${r.signal ?? `exit ${r.status}`})`);
    failed = true;
    continue;
  }
  results[key] = JSON.parse(readFileSync(json, 'utf8'));
}
out.remove();

const rows = [];
const verdict = (ok) => (ok ? 'met' : 'MISSED');
if (results.load) {
  const { loadout, direct } = results.load;
  rows.push(['load overhead p50', `${fmt(loadout.p50)} ms`, `direct 1 ms poll ${fmt(direct.p50)} ms`, '< 20 ms', verdict(loadout.p50 < 20)]);
  rows.push(['load overhead p90', `${fmt(loadout.p90)} ms`, `direct ${fmt(direct.p90)} ms`, '-', '-']);
}
if (results.proxy) {
  const { latency: l, stream: s } = results.proxy;
  rows.push(['proxy added latency p50', `${fmt(l.added50, 3)} ms`, `direct p50 ${fmt(l.directP50, 3)} ms`, '< 1 ms', verdict(l.added50 < 1)]);
  rows.push(['proxy added latency p99', `${fmt(l.loadoutP99 - l.directP99, 3)} ms`, `direct p99 ${fmt(l.directP99, 3)} ms`, '-', '-']);
  rows.push(['streaming throughput', `${fmt(s.ratio * 100, 1)} % of direct`, `${fmt(s.loadout.mbps, 1)} vs ${fmt(s.direct.mbps, 1)} MB/s`, '>= 90 %', verdict(s.ratio >= 0.9)]);
}
if (results.swap) {
  const { ideal, loadout } = results.swap;
  rows.push(['two clients, one slot', `${fmt(loadout.rps)} req/s`, `ideal swaps ${fmt(ideal.rps)} req/s (${fmt(loadout.rps / ideal.rps)}x)`, '-', '-']);
  rows.push(['starts per request (two clients)', fmt(loadout.startsPerRequest), 'ideal 1.00', '<= 1', verdict(loadout.startsPerRequest <= 1 && loadout.refused === 0)]);
}
if (results.rss) {
  const { engine: e, bare: b, one: o, lists, models } = results.rss;
  const m = (x) => `${fmt(x / 1024 / 1024, 1)} MiB`;
  rows.push([`RSS, ${models} models, startup`, m(e.startup.rss), `bare http ${m(b.startup.rss)}, 1 model ${m(o.startup.rss)}`, '-', '-']);
  rows.push([`RSS, after ${lists} lists`, m(e.afterLists.rss), `bare http ${m(b.afterLists.rss)}, 1 model ${m(o.afterLists.rss)}`, '-', '-']);
}
if (results.gpu) {
  const g = results.gpu;
  rows.push(['GPU sampler CPU (nvidia-smi)', `${fmt(g.nvPerMin - g.idlePerMin, 1)} ms/min`, `idle ${fmt(g.idlePerMin, 1)} ms/min`, '-', '-']);
  rows.push(['GPU sampler CPU (ram)', `${fmt(g.ramPerMin - g.idlePerMin, 1)} ms/min`, `idle ${fmt(g.idlePerMin, 1)} ms/min`, '-', '-']);
}
table(`summary (node ${process.version}, ${fmt((performance.now() - t0) / 1000, 0)} s)`, ['figure', 'loadout', 'baseline', 'target', 'verdict'], rows);
if (failed) process.exit(1);
