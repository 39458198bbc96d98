#!/usr/bin/env node
// Two clients on one slot: `max_active: 1`, models a and b, one client looping sequential chat
// requests on a, the other on b, at the same time. Loadout has to swap the models back and forth.
// Baseline in the same run (the ideal): this script itself stops one backend and starts the other
// before each request, polling /health every 1 ms, so each swap costs only the backends' own stop
// and start. Figures: requests served per second (Loadout vs the ideal), starts per request.
//   node bench/swap-clients.mjs [--requests 20] [--loading-ms 100]
import { spawn } from 'node:child_process';
import {
  SERVE, TIMED_BACKEND, flag, fmt, freePort, http, httpOk, main, mono, requireBuild, sleep, startChild, table, tempDir, writeConfig,
} from './lib.mjs';

const REQUESTS = flag('requests', 20);
const LOADING_MS = flag('loading-ms', 100);

const chat = (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] });

async function viaLoadout(dir) {
  const configFile = writeConfig(dir, { a: `--loading-ms ${LOADING_MS}`, b: `--loading-ms ${LOADING_MS}` }, { max_active: 1 });
  const engine = await startChild(SERVE, [configFile]);
  try {
    const client = async (model) => {
      for (let i = 0; i < REQUESTS; i++) await httpOk(`${engine.url}/v1/chat/completions`, { method: 'POST', body: chat(model) });
    };
    const t0 = mono();
    await Promise.all([client('a'), client('b')]);
    const ms = mono() - t0;
    const events = JSON.parse((await httpOk(`${engine.url}/api/events?limit=10000`)).body).events;
    const starts = events.filter((e) => e.type === 'model_starting').length;
    const refused = events.filter((e) => e.type === 'load_refused').length;
    return { ms, served: 2 * REQUESTS, starts, refused };
  } finally {
    await engine.stop();
  }
}

/** The ideal: strictly alternating, one swap per request, each costing only stop + start + the request. */
async function ideal() {
  let child = null;
  const t0 = mono();
  for (let i = 0; i < 2 * REQUESTS; i++) {
    if (child) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const port = await freePort();
    const model = i % 2 === 0 ? 'a' : 'b';
    child = spawn(process.execPath, [TIMED_BACKEND, '--port', String(port), '--name', model, '--loading-ms', String(LOADING_MS)], { stdio: ['ignore', 'ignore', 'ignore'] });
    for (;;) {
      const r = await http(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' }, timeoutMs: 1000 }).catch(() => null);
      if (r?.status === 200) break;
      await sleep(1);
    }
    await httpOk(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: chat(model) });
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { ms: mono() - t0, served: 2 * REQUESTS, starts: 2 * REQUESTS };
}

export async function run() {
  requireBuild();
  const dir = tempDir('swap');
  try {
    const i1 = await ideal();
    const l = await viaLoadout(dir.path);
    const i2 = await ideal();
    const idealRps = (i1.served + i2.served) / ((i1.ms + i2.ms) / 1000);
    const rps = l.served / (l.ms / 1000);
    table(
      `two clients, max_active 1, ${REQUESTS} sequential requests each, --loading-ms ${LOADING_MS}`,
      ['path', 'served', 'seconds', 'requests/s', 'starts', 'starts/request', 'refused'],
      [
        ['ideal (stop + start per request, 1 ms poll)', i1.served + i2.served, fmt((i1.ms + i2.ms) / 1000), fmt(idealRps), i1.starts + i2.starts, '1.00', 0],
        ['loadout (two clients in parallel)', l.served, fmt(l.ms / 1000), fmt(rps), l.starts, fmt(l.starts / l.served), l.refused],
      ],
    );
    console.log(`requests/s loadout vs ideal: ${fmt(rps / idealRps)}   starts per request: ${fmt(l.starts / l.served)} (target <= 1)`);
    return { ideal: { rps: idealRps }, loadout: { rps, startsPerRequest: l.starts / l.served, refused: l.refused } };
  } finally {
    dir.remove();
  }
}

await main(import.meta.url, run);
