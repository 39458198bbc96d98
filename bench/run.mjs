#!/usr/bin/env node
// Runs every benchmark, each in a fresh Node process (so one's leftovers - heap, sockets, JIT state -
// never colour the next), and ends with one summary of the targets.
//   node bench/run.mjs [--only load,proxy,rss,gpu] [flags of the single scripts, e.g. --loads 30 --seconds 15]
// Every other flag is passed to each script. Needs a build: npm run build:node. Loopback only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
// A signal to this process stops the benchmark under way too (it cleans up its engines and backends on
// SIGTERM/SIGINT), then this one; nothing is left running.
let current = null;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    const leave = () => {
      out.remove();
      process.exit(1);
    };
    if (!current) return leave();
    current.kill(sig);
    current.once('exit', leave);
  });
}
const runScript = (args) =>
  new Promise((resolve) => {
    current = spawn(process.execPath, args, { stdio: 'inherit' });
    current.once('exit', (status, signal) => {
      current = null;
      resolve({ status, signal });
    });
  });
for (const key of only) {
  const script = SCRIPTS[key];
  if (!script) throw new Error(`--only: unknown benchmark "${key}" (known: ${Object.keys(SCRIPTS).join(', ')})`);
  const json = join(out.path, `${key}.json`);
  const r = await runScript([join(BENCH_DIR, script), ...passThrough, '--json', json]);
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
  const { ready, loading, swap } = results.load;
  rows.push(['load returns after backend listens, p50', `${fmt(ready.loadout.p50)} ms`, `direct 1 ms poll ${fmt(ready.direct.p50)} ms`, '<= 5 ms', verdict(ready.loadout.p50 <= 5)]);
  rows.push(['load returns after backend healthy, p50', `${fmt(loading.loadout.p50)} ms`, `direct 1 ms poll ${fmt(loading.direct.p50)} ms`, '-', '-']);
  rows.push(['own share of a group swap, p50', `${fmt(swap.share)} ms`, `swap ${fmt(swap.loadout.p50)} vs ideal ${fmt(swap.ideal.p50)} ms`, '<= 20 ms', verdict(swap.share <= 20)]);
}
if (results.proxy) {
  const { direct: d, splice: sp, naive: nv, loadout: l, rss } = results.proxy;
  const cal = (k, digits = 2) => `splice ${fmt(sp[k], digits)}, naive ${fmt(nv[k], digits)}`;
  rows.push(['proxy added latency p50', `${fmt(l.added50, 3)} ms`, `direct p50 ${fmt(d.p50, 3)} ms; ${cal('added50', 3)} ms`, '<= 0.3 ms', verdict(l.added50 <= 0.3)]);
  rows.push(['64-way burst vs direct', fmt(l.burstRatio), `direct ${fmt(d.burstRps, 0)} req/s; ${cal('burstRatio')}`, '>= 0.8', verdict(l.burstRatio >= 0.8)]);
  const bc = results.proxy.burstCpu;
  rows.push(['burst CPU per request (µs)', `proxy ${fmt(bc.proxyUs, 0)}`, `client ${fmt(bc.clientUs, 0)}, backend ${fmt(bc.backendUs, 0)}, splice ${fmt(results.proxy.burstCpuSplice.proxyUs, 0)}`, '-', '-']);
  rows.push(['20k-chunk stream vs direct', fmt(l.streamRatio), `direct ${fmt(d.streamMs, 0)} ms; ${cal('streamRatio')}`, '>= 0.95', verdict(l.streamRatio >= 0.95)]);
  const grew = (rss.end - rss.warm) / 1024 / 1024;
  rows.push(['engine RSS growth under load', `${fmt(grew, 1)} MiB`, `${fmt(rss.warm / 1024 / 1024, 1)} MiB after warm-up`, '<= 5 MiB', verdict(grew <= 5)]);
  rows.push(['engine heap used growth (after GC)', `${fmt((rss.heapEnd - rss.heapWarm) / 1024 / 1024, 1)} MiB`, `${fmt(rss.heapWarm / 1024 / 1024, 1)} MiB after warm-up`, '-', '-']);
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
table(`summary (node ${process.version}, ${fmt((performance.now() - t0) / 1000, 0)} s, load average ${loadavg().map((x) => fmt(x)).join(' ')})`, ['figure', 'loadout', 'baseline', 'target', 'verdict'], rows);
if (failed) process.exit(1);
