#!/usr/bin/env node
// Engine memory with many configured models, none loaded: RSS after startup and after listing the
// models N times via GET /api/models. Baseline in the same run: a bare Node process that only
// starts an http server, measured the same way (same node flags, same number of requests).
//   node bench/rss-200-models.mjs [--models 200] [--lists 1000]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BARE_SERVER, SERVE, flag, fmt, httpOk, keepAliveAgent, mib, requireBuild, sleep, startChild, table,
  tempDir, writeConfig,
  main,
} from './lib.mjs';

const MODELS = flag('models', 200);
const LISTS = flag('lists', 1000);
const SETTLE_MS = 1000;

async function measure(label, proc, listUrl, expectModels) {
  await sleep(SETTLE_MS); // first GPU sample, config watcher, lazy module loads
  const startup = { rss: proc.rss(), heap: (await proc.mem()).heapUsed };
  const agent = keepAliveAgent();
  let bodyBytes = 0;
  for (let i = 0; i < LISTS; i++) {
    const r = await httpOk(listUrl, { agent });
    bodyBytes = r.body.length;
    if (i === 0 && expectModels !== undefined) {
      const n = JSON.parse(r.body).models.length;
      if (n !== expectModels) throw new Error(`${label}: listed ${n} models, expected ${expectModels}`);
    }
  }
  agent.destroy();
  const afterLists = { rss: proc.rss(), heap: (await proc.mem()).heapUsed };
  const gcHeap = (await proc.mem(true)).heapUsed;
  const afterGc = { rss: proc.rss(), heap: gcHeap };
  return { label, startup, afterLists, afterGc, bodyBytes };
}

export async function run() {
  requireBuild();
  const dir = tempDir('rss');
  const models = {};
  for (let i = 0; i < MODELS; i++) models[`model-${String(i).padStart(3, '0')}`] = `--loading-ms 100 --vram-mib ${1000 + i}`;
  const configFile = writeConfig(dir.path, models);
  const oneDir = join(dir.path, 'one');
  mkdirSync(oneDir);
  const oneConfig = writeConfig(oneDir, { 'model-000': models['model-000'] });
  try {
    const bare = await startChild(BARE_SERVER);
    const b = await measure('bare node http server', bare, `${bare.url}/`).finally(() => bare.stop());
    // The same engine with one model separates its fixed cost from the cost per configured model.
    const single = await startChild(SERVE, [oneConfig]);
    const o = await measure('loadout, 1 model (0 loaded)', single, `${single.url}/api/models`, 1).finally(() => single.stop());
    const engine = await startChild(SERVE, [configFile]);
    const e = await measure(`loadout, ${MODELS} models (0 loaded)`, engine, `${engine.url}/api/models`, MODELS).finally(() => engine.stop());
    table(
      `resident memory (MiB): after startup + ${SETTLE_MS} ms, after ${LISTS} sequential list requests, after a forced GC`,
      ['process', 'RSS start', `RSS +${LISTS} lists`, 'RSS after GC', 'heap start', 'heap after GC', 'list body kB'],
      [b, o, e].map((x) => [x.label, fmt(mib(x.startup.rss), 1), fmt(mib(x.afterLists.rss), 1), fmt(mib(x.afterGc.rss), 1), fmt(mib(x.startup.heap), 1), fmt(mib(x.afterGc.heap), 1), fmt(x.bodyBytes / 1024, 1)]),
    );
    console.log(
      `loadout/bare RSS: start ${fmt(e.startup.rss / b.startup.rss)}x (+${fmt(mib(e.startup.rss - b.startup.rss), 1)} MiB)   ` +
        `after lists ${fmt(e.afterLists.rss / b.afterLists.rss)}x (+${fmt(mib(e.afterLists.rss - b.afterLists.rss), 1)} MiB)   ` +
        `growth over ${LISTS} lists: loadout +${fmt(mib(e.afterLists.rss - e.startup.rss), 1)} MiB, bare +${fmt(mib(b.afterLists.rss - b.startup.rss), 1)} MiB`,
    );
    console.log(`per configured model: ${fmt((e.startup.rss - o.startup.rss) / (MODELS - 1) / 1024, 1)} KiB RSS, ${fmt((e.afterGc.heap - o.afterGc.heap) / (MODELS - 1) / 1024, 1)} KiB heap (200-model engine minus 1-model engine)`);
    return { bare: b, one: o, engine: e, lists: LISTS, models: MODELS };
  } finally {
    dir.remove();
  }
}

await main(import.meta.url, run);
