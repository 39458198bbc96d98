#!/usr/bin/env node
// Proxy overhead: one loaded backend called directly (its own port) and through Loadout's
// /v1/chat/completions, alternating in blocks so that drift hits both paths alike.
//   1. latency of small non-streaming requests, sequential, keep-alive on both paths;
//   2. throughput of a large streamed answer (--stream-chunks 2000 --chunk-delay 0).
//   node bench/proxy-overhead.mjs [--requests 2000] [--warmup 200] [--streams 30] [--stream-chunks 2000]
import { request } from 'node:http';
import {
  SERVE, flag, fmt, httpOk, keepAliveAgent, median, mono, percentile, requireBuild, startChild, table,
  tempDir, writeConfig, http,
  main,
} from './lib.mjs';

const REQUESTS = flag('requests', 2000);
const WARMUP = flag('warmup', 200);
const STREAMS = flag('streams', 30);
const STREAM_CHUNKS = flag('stream-chunks', 2000);
const BLOCK = 100;

const SMALL = { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 };
const BIG = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };

/** Streams one answer; resolves { bytes, events, ms, ttfbMs }. */
function stream(url, agent) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = JSON.stringify(BIG);
    const t0 = mono();
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let bytes = 0;
      let events = 0;
      let ttfb = null;
      res.on('data', (c) => {
        if (ttfb === null) ttfb = mono() - t0;
        bytes += c.length;
        // SSE events end with a blank line; count "\n\n" without decoding the chunk.
        for (let i = c.indexOf(10); i >= 0 && i < c.length - 1; i = c.indexOf(10, i + 1)) if (c[i + 1] === 10) events++;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`stream: HTTP ${res.statusCode}`));
        resolve({ bytes, events, ms: mono() - t0, ttfbMs: ttfb });
      });
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('stream timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function latency(paths) {
  const samples = Object.fromEntries(paths.map((p) => [p.label, []]));
  // Warm-up: JIT, sockets, the backend's and the proxy's first requests.
  for (const p of paths) for (let i = 0; i < WARMUP; i++) await httpOk(p.url, { method: 'POST', body: SMALL, agent: p.agent });
  for (let done = 0; done < REQUESTS; done += BLOCK) {
    const n = Math.min(BLOCK, REQUESTS - done);
    for (const p of paths) {
      for (let i = 0; i < n; i++) {
        const r = await http(p.url, { method: 'POST', body: SMALL, agent: p.agent });
        if (r.status !== 200) throw new Error(`${p.label}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
        samples[p.label].push(r.ms);
      }
    }
  }
  return samples;
}

async function throughput(paths) {
  const out = Object.fromEntries(paths.map((p) => [p.label, []]));
  for (const p of paths) await stream(p.url, p.agent); // warm-up
  for (let i = 0; i < STREAMS; i++) for (const p of paths) out[p.label].push(await stream(p.url, p.agent));
  return out;
}

export async function run() {
  requireBuild();
  const dir = tempDir('proxy');
  const configFile = writeConfig(dir.path, { m: `--stream-chunks ${STREAM_CHUNKS} --chunk-delay 0` });
  const engine = await startChild(SERVE, [configFile]);
  try {
    const view = JSON.parse((await httpOk(`${engine.url}/api/models/m/load`, { method: 'POST', body: {} })).body);
    const paths = [
      { label: 'direct', url: `http://127.0.0.1:${view.port}/v1/chat/completions`, agent: keepAliveAgent() },
      { label: 'loadout', url: `${engine.url}/v1/chat/completions`, agent: keepAliveAgent() },
    ];

    const lat = await latency(paths);
    const [d, l] = [lat.direct, lat.loadout];
    const row = (label, s) => [label, s.length, fmt(percentile(s, 1), 3), fmt(median(s), 3), fmt(percentile(s, 90), 3), fmt(percentile(s, 99), 3), fmt(Math.max(...s), 3)];
    table(`small non-streaming /v1/chat/completions, sequential, keep-alive (ms), ${REQUESTS} each after ${WARMUP} warm-up`, ['path', 'n', 'p1', 'p50', 'p90', 'p99', 'max'], [row('direct', d), row('loadout', l)]);
    const added50 = median(l) - median(d);
    const added99 = percentile(l, 99) - percentile(d, 99);
    console.log(`added p50: ${fmt(added50, 3)} ms (ratio ${fmt(median(l) / median(d))}x)   added p99: ${fmt(added99, 3)} ms   target: < 1 ms at p50 -> ${added50 < 1 ? 'MET' : 'MISSED'}`);

    const tp = await throughput(paths);
    const agg = (rs) => {
      const bytes = rs.reduce((a, r) => a + r.bytes, 0);
      const events = rs.reduce((a, r) => a + r.events, 0);
      const ms = rs.reduce((a, r) => a + r.ms, 0);
      return { mbps: bytes / 1e6 / (ms / 1000), evps: events / (ms / 1000), perStream: median(rs.map((r) => r.ms)), ttfb: median(rs.map((r) => r.ttfbMs)), size: rs[0].bytes, events: rs[0].events };
    };
    const [sd, sl] = [agg(tp.direct), agg(tp.loadout)];
    table(
      `streamed answer: ${STREAM_CHUNKS} chunks (${fmt(sd.size / 1e3, 0)} kB, ${sd.events} SSE events), --chunk-delay 0, ${STREAMS} streams each`,
      ['path', 'MB/s', 'events/s', 'p50 ms/stream', 'p50 ttfb ms'],
      [['direct', sd], ['loadout', sl]].map(([label, s]) => [label, fmt(s.mbps, 1), fmt(s.evps, 0), fmt(s.perStream), fmt(s.ttfb, 3)]),
    );
    if (sl.size !== sd.size || sl.events !== sd.events) console.log(`WARNING: proxied stream differs: ${sl.size} B / ${sl.events} events vs ${sd.size} B / ${sd.events} events`);
    const ratio = sl.mbps / sd.mbps;
    console.log(`streaming throughput loadout/direct: ${fmt(ratio * 100, 1)} %   target: >= 90 % -> ${ratio >= 0.9 ? 'MET' : 'MISSED'}`);
    for (const p of paths) p.agent.destroy();
    return { latency: { directP50: median(d), loadoutP50: median(l), directP99: percentile(d, 99), loadoutP99: percentile(l, 99), added50 }, stream: { direct: sd, loadout: sl, ratio } };
  } finally {
    await engine.stop();
    dir.remove();
  }
}

await main(import.meta.url, run);
