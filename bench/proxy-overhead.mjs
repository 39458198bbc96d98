#!/usr/bin/env node
// Proxy overhead from the client's point of view (request leaving -> last byte arriving). One loaded
// backend is called four ways in the same run, in alternating blocks so drift hits all alike:
//   direct   the backend's own port;
//   splice   a raw TCP splice in front of it (net.connect piping both ways): the floor of any proxy;
//   naive    a ~20-line node:http proxy (keep-alive agent, pipes);
//   loadout  Loadout's /v1/chat/completions.
// Figures: 1. added latency of small sequential requests (p50 against direct); 2. a 64-way burst,
// throughput against direct; 3. one long streamed answer, throughput against direct; 4. Loadout's RSS
// after warm-up and after all of it.
//   node bench/proxy-overhead.mjs [--requests 2000] [--warmup 300] [--burst 64] [--burst-requests 3200]
//     [--rounds 3] [--streams 9] [--stream-chunks 20000]
// LOADOUT_BENCH_AB_DIST=/path/to/dist adds a row `loadout-ab`: a second engine from that build (with its
// own backend process, same flags), measured in the same alternating blocks (A/B of a change).
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, SERVE, cpuMsOf, flag, fmt, httpOk, main, median, percentile, requireBuild, startChild, table, tempDir, writeConfig, mib } from './lib.mjs';
import autocannon from 'autocannon';
import { RawClient, burst, postBytes } from './raw-client.mjs';

const REQUESTS = flag('requests', 2000);
const WARMUP = flag('warmup', 300);
const BURST = flag('burst', 64);
const BURST_REQUESTS = flag('burst-requests', 3200);
const ROUNDS = flag('rounds', 3);
const STREAMS = flag('streams', 9);
const STREAM_CHUNKS = flag('stream-chunks', 20000);
const BLOCK = 100;
const CALIBRATION = join(BENCH_DIR, 'fixtures', 'calibration-proxy.mjs');

export const TARGETS = { added50Ms: 0.3, burstRatio: 0.8, streamRatio: 0.95, rssGrowthMiB: 5 };

const SMALL = { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 };
const BIG = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };

async function latency(paths) {
  const samples = Object.fromEntries(paths.map((p) => [p.label, []]));
  const cpu = Object.fromEntries(paths.map((p) => [p.label, 0]));
  const clients = await Promise.all(paths.map((p) => RawClient.open(p.url)));
  const once = async (i) => {
    const r = await clients[i].send(paths[i].small);
    if (r.status !== 200) throw new Error(`${paths[i].label}: HTTP ${r.status}`);
    return r.ms;
  };
  for (let i = 0; i < paths.length; i++) for (let n = 0; n < WARMUP; n++) await once(i);
  for (let done = 0; done < REQUESTS; done += BLOCK) {
    for (let i = 0; i < paths.length; i++) {
      const before = cpuMsOf(paths[i].pid);
      for (let n = 0; n < Math.min(BLOCK, REQUESTS - done); n++) samples[paths[i].label].push(await once(i));
      cpu[paths[i].label] += cpuMsOf(paths[i].pid) - before;
    }
  }
  for (const c of clients) c.close();
  return { samples, cpu };
}

/**
 * Rounds of the burst, paths in turn. Besides each round's rate, the CPU each process spent on it: this
 * process (the load generator), the path's proxy (none for direct) and the backend, per request.
 */
async function bursts(paths, backendPid) {
  const out = Object.fromEntries(paths.map((p) => [p.label, { rps: [], client: 0, proxy: 0, backend: 0, n: 0 }]));
  for (const p of paths) await burst(p.url, p.small, BURST, BURST * 4); // warm-up: sockets, JIT
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of paths) {
      const o = out[p.label];
      const [client0, proxy0, backend0] = [process.cpuUsage(), cpuMsOf(p.pid), cpuMsOf(backendPid)];
      const b = await burst(p.url, p.small, BURST, BURST_REQUESTS);
      const client = process.cpuUsage(client0);
      if (b.failed) throw new Error(`${p.label}: ${b.failed} of the burst's requests failed`);
      o.rps.push(b.rps);
      o.client += (client.user + client.system) / 1000;
      o.proxy += p.pid === backendPid ? 0 : cpuMsOf(p.pid) - proxy0;
      o.backend += cpuMsOf(backendPid) - backend0;
      o.n += BURST_REQUESTS;
    }
  }
  return out;
}

/**
 * Why a path's burst rate is what it is: the three processes share this machine's cores, and each is
 * one thread. From the CPU each spent per request, the rate they could reach at best (every core busy
 * all the time, or the busiest process's one core), and, for the burst target, the proxy CPU per request
 * under which that best rate reaches it.
 */
function burstAccounting(b, paths) {
  const cores = availableParallelism();
  const direct = median(b.direct.rps);
  const us = (o, k) => (o[k] * 1000) / o.n;
  table(
    `what the burst costs: CPU per request of each process (µs), and the best rate that allows on ${cores} cores (every core busy, or the busiest single-threaded process's one core)`,
    ['path', 'client', 'proxy', 'backend', 'best req/s', 'best × direct', 'measured × direct', `proxy µs for best ≥ ${TARGETS.burstRatio}`],
    paths.map((p) => {
      const o = b[p.label];
      const [c, x, k] = [us(o, 'client'), us(o, 'proxy'), us(o, 'backend')];
      const best = Math.min((cores * 1e6) / (c + x + k), 1e6 / Math.max(c, x, k));
      const room = p.label === 'direct' ? '-' : fmt(Math.min((cores * 1e6) / (TARGETS.burstRatio * direct) - c - k, 1e6 / (TARGETS.burstRatio * direct)), 0);
      return [p.label, fmt(c, 0), p.label === 'direct' ? '-' : fmt(x, 0), fmt(k, 0), fmt(best, 0), fmt(best / direct), fmt(median(o.rps) / direct), room];
    }),
  );
  const of = (o) => ({ clientUs: us(o, 'client'), proxyUs: us(o, 'proxy'), backendUs: us(o, 'backend') });
  return { loadout: of(b.loadout), splice: of(b.splice) };
}

async function streams(paths) {
  const out = Object.fromEntries(paths.map((p) => [p.label, []]));
  const clients = await Promise.all(paths.map((p) => RawClient.open(p.url)));
  for (let i = 0; i < paths.length; i++) await clients[i].send(paths[i].big); // warm-up
  for (let s = 0; s < STREAMS; s++) {
    for (let i = 0; i < paths.length; i++) {
      const r = await clients[i].send(paths[i].big);
      if (r.status !== 200) throw new Error(`${paths[i].label} stream: HTTP ${r.status}`);
      out[paths[i].label].push(r);
    }
  }
  for (const c of clients) c.close();
  return out;
}

/**
 * The load generator must not be the bottleneck: the raw client and autocannon each drive the direct
 * path with the burst's connections and requests; their rates and this process's CPU per request.
 */
async function loadGenerators(direct) {
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    let cpu = process.cpuUsage();
    const raw = await burst(direct.url, direct.small, BURST, BURST_REQUESTS);
    const rawCpu = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const t0 = performance.now();
    const ac = await autocannon({ url: direct.url, connections: BURST, amount: BURST_REQUESTS, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SMALL) });
    const acMs = performance.now() - t0;
    const acCpu = process.cpuUsage(cpu);
    if (ac.non2xx > 0 || ac.errors > 0) throw new Error(`autocannon: ${ac.non2xx} non-2xx answers, ${ac.errors} errors`);
    rows.push({ raw: raw.rps, rawUs: (rawCpu.user + rawCpu.system) / BURST_REQUESTS, ac: BURST_REQUESTS / (acMs / 1000), acUs: (acCpu.user + acCpu.system) / BURST_REQUESTS });
  }
  const m = (k) => median(rows.map((x) => x[k]));
  table(`load generators against direct, ${BURST} connections, ${BURST_REQUESTS} requests, ${ROUNDS} rounds (median): the lighter one is the one used above`, ['client', 'req/s', 'client CPU µs/req'], [
    ['raw-client.mjs', fmt(m('raw'), 0), fmt(m('rawUs'), 0)],
    ['autocannon', fmt(m('ac'), 0), fmt(m('acUs'), 0)],
  ]);
}

export async function run() {
  requireBuild();
  const dir = tempDir('proxy');
  const configFile = writeConfig(dir.path, { m: `--stream-chunks ${STREAM_CHUNKS} --chunk-delay 0` });
  const engine = await startChild(SERVE, [configFile]);
  const helpers = [];
  try {
    const view = JSON.parse((await httpOk(`${engine.url}/api/models/m/load`, { method: 'POST', body: {} })).body);
    const abDist = process.env.LOADOUT_BENCH_AB_DIST;
    const abDir = join(dir.path, 'ab');
    if (abDist) mkdirSync(abDir);
    const ab = abDist ? await startChild(SERVE, [writeConfig(abDir, { m: `--stream-chunks ${STREAM_CHUNKS} --chunk-delay 0` })], { env: { ...process.env, LOADOUT_BENCH_DIST: abDist } }) : null;
    if (ab) {
      helpers.push(ab);
      await httpOk(`${ab.url}/api/models/m/load`, { method: 'POST', body: {} });
    }
    const backend = `http://127.0.0.1:${view.port}`;
    const [splice, naive] = [await startChild(CALIBRATION, ['splice', String(view.port)]), await startChild(CALIBRATION, ['naive', String(view.port)])];
    helpers.push(splice, naive);
    // pid: the process whose CPU the path costs (the backend's own for direct, else the proxy's).
    const path = (label, base, pid) => {
      const url = `${base}/v1/chat/completions`;
      return { label, url, pid, small: postBytes(url, SMALL), big: postBytes(url, BIG) };
    };
    const paths = [path('direct', backend, view.pid), path('splice', splice.url, splice.pid), path('naive', naive.url, naive.pid), path('loadout', engine.url, engine.pid), ...(ab ? [path('loadout-ab', ab.url, ab.pid)] : [])];
    const others = paths.slice(1);

    // Warm-up pass of every phase at full size (sequential requests, a whole burst round, streams),
    // so that the JIT, the heap's young generation and malloc's arenas reach their working size; then
    // the RSS that the measured run must not grow.
    for (const p of paths) {
      const s = await RawClient.open(p.url);
      for (let i = 0; i < WARMUP; i++) await s.send(p.small);
      s.close();
      await burst(p.url, p.small, BURST, BURST_REQUESTS);
      const c = await RawClient.open(p.url);
      for (let i = 0; i < 2; i++) await c.send(p.big);
      c.close();
    }
    const memWarm = await engine.mem(true);
    const rssWarm = memWarm.rss;

    const phases = [['warm-up', memWarm]];
    const { samples: lat, cpu } = await latency(paths);
    phases.push(['latency', await engine.mem(true)]);
    const d50 = median(lat.direct);
    const cpuUs = (label) => (cpu[label] * 1000) / REQUESTS;
    const row = (label) => {
      const s = lat[label];
      return [label, s.length, fmt(percentile(s, 1), 3), fmt(median(s), 3), fmt(percentile(s, 90), 3), fmt(percentile(s, 99), 3), label === 'direct' ? '-' : `+${fmt(median(s) - d50, 3)}`, fmt(cpuUs(label), 0)];
    };
    table(
      `latency: small non-streaming chat, sequential, one keep-alive socket per path (ms), ${REQUESTS} each after ${WARMUP} warm-up; CPU: the path's own process (direct: the backend), µs per request`,
      ['path', 'n', 'p1', 'p50', 'p90', 'p99', 'added p50', 'CPU µs/req'],
      paths.map((p) => row(p.label)),
    );

    const b = await bursts(paths, view.pid);
    phases.push(['bursts', await engine.mem(true)]);
    await loadGenerators(paths[0]);
    const bd = median(b.direct.rps);
    table(`${BURST}-way burst: ${BURST} connections kept full, ${BURST_REQUESTS} requests a round, ${ROUNDS} rounds (req/s, median round)`, ['path', 'req/s', 'vs direct'], paths.map((p) => [p.label, fmt(median(b[p.label].rps), 0), fmt(median(b[p.label].rps) / bd)]));
    const burstCpu = burstAccounting(b, paths);

    const st = await streams(paths);
    const sd = median(st.direct.map((r) => r.ms));
    const size = st.direct[0].bytes;
    for (const p of others) if (st[p.label].some((r) => r.bytes !== size)) throw new Error(`${p.label}: the stream's body differs in size from direct's (${size} B)`);
    table(
      `stream: one answer of ${STREAM_CHUNKS} chunks (${fmt(size / 1e6, 2)} MB), --chunk-delay 0, ${STREAMS} each (median)`,
      ['path', 'ms', 'MB/s', 'ttfb ms', 'vs direct'],
      paths.map((p) => {
        const ms = median(st[p.label].map((r) => r.ms));
        return [p.label, fmt(ms, 1), fmt(size / 1e6 / (ms / 1000), 1), fmt(median(st[p.label].map((r) => r.ttfbMs)), 3), fmt(sd / ms)];
      }),
    );

    const memEnd = await engine.mem(true);
    phases.push(['streams', memEnd]);
    console.log(`\nLoadout memory after each phase (after GC): ${phases.map(([name, m]) => `${name} RSS ${fmt(mib(m.rss), 1)} / heap ${fmt(mib(m.heapUsed), 1)} of ${fmt(mib(m.heapTotal), 1)} / external ${fmt(mib(m.external ?? 0), 1)} MiB`).join('; ')}`);
    const rssEnd = memEnd.rss;
    console.log(`\nLoadout RSS: ${fmt(mib(rssWarm), 1)} MiB after warm-up, ${fmt(mib(rssEnd), 1)} MiB after the run (+${fmt(mib(rssEnd - rssWarm), 1)} MiB); V8 heap used after GC ${fmt(mib(memWarm.heapUsed), 1)} -> ${fmt(mib(memEnd.heapUsed), 1)} MiB`);

    const result = {};
    for (const p of paths) {
      result[p.label] = {
        p50: median(lat[p.label]),
        p99: percentile(lat[p.label], 99),
        added50: median(lat[p.label]) - d50,
        cpuUsPerRequest: cpuUs(p.label),
        burstRps: median(b[p.label].rps),
        burstRatio: median(b[p.label].rps) / bd,
        streamMs: median(st[p.label].map((r) => r.ms)),
        streamRatio: sd / median(st[p.label].map((r) => r.ms)),
      };
    }
    result.burstCpu = burstCpu.loadout;
    result.burstCpuSplice = burstCpu.splice;
    result.rss = { warm: rssWarm, end: rssEnd, heapWarm: memWarm.heapUsed, heapEnd: memEnd.heapUsed };
    const l = result.loadout;
    const v = (ok) => (ok ? 'met' : 'MISSED');
    console.log(`loadout: added p50 ${fmt(l.added50, 3)} ms (target <= ${TARGETS.added50Ms}) ${v(l.added50 <= TARGETS.added50Ms)}; burst ${fmt(l.burstRatio)} of direct (>= ${TARGETS.burstRatio}) ${v(l.burstRatio >= TARGETS.burstRatio)}; stream ${fmt(l.streamRatio)} (>= ${TARGETS.streamRatio}) ${v(l.streamRatio >= TARGETS.streamRatio)}`);
    return result;
  } finally {
    await Promise.all(helpers.map((h) => h.stop()));
    await engine.stop();
    dir.remove();
  }
}

await main(import.meta.url, run);
