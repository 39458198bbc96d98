// A bounded soak of a real `loadout serve` with fake backends: mixed loads, unloads, pins, plain and
// streamed requests and crashes from concurrent clients, through the public HTTP API only. Every call
// must be answered (served or refused with a reason) within a minute: progress. Between
// rounds the API and the process table must agree (no orphan, no ghost), and at the end the server's
// open files and RSS must be back where they were, its event numbers contiguous, and SIGTERM must leave
// nothing behind. LOADOUT_SOAK_SECONDS sets the length (60 by default, as CI runs it);
// LOADOUT_SOAK_SEED replays a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../../shared/events.js';
import { assertBuilt, ServeProcess } from '../../helpers/cli.js';
import { taggedPids, TestDir, waitUntil } from '../../helpers/loadout.js';
import { call, footprint, listModels, untilConsistent, type Footprint } from './soak-probe.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { Workload } from './soak-workload.js';

const SECONDS = Number(process.env.LOADOUT_SOAK_SECONDS ?? 60);
const SEED = Number(process.env.LOADOUT_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = 2;
const ROUND_MS = 3000;
const MiB = 1024 * 1024;

const MODELS = {
  plain: {},
  forks: { args: '--fork-child' }, // a backend with a child: its group must go with it
  slow: { args: '--request-delay 30 --stream-chunks 5 --chunk-delay 5' },
  idle: { ttl: '1s' }, // unloaded by the idle watchdog between uses
  left: { groups: ['pair'] }, // never loaded together with `right`
  right: { groups: ['pair'] },
};

describe('soak: loadout serve under mixed load', () => {
  const dir = new TestDir();
  let serve: ServeProcess | null = null;

  beforeAll(() => assertBuilt());
  afterAll(async () => {
    serve?.kill('SIGKILL');
    await dir.cleanup();
  });

  /** Force-unloads everything and waits until the API and the processes agree that nothing runs. */
  async function quiesce(url: string): Promise<void> {
    for (const m of await listModels(url)) {
      if (m.state !== 'stopped' && m.state !== 'failed') await call(url, 'POST', `/api/models/${m.name}/unload`, { force: true });
    }
    await untilConsistent(url, dir.tag);
    expect(taggedPids(dir.tag), 'backends alive with every model unloaded').toEqual([]);
  }

  async function allEvents(url: string): Promise<LoadoutEvent[]> {
    const out: LoadoutEvent[] = [];
    for (let after = 0; ; ) {
      const page = (await call<{ events: LoadoutEvent[] }>(url, 'GET', `/api/events?after=${after}&limit=500`)).json.events;
      if (page.length === 0) return out;
      out.push(...page);
      after = page[page.length - 1]!.seq;
    }
  }

  it(`keeps the API, the processes and the server's footprint consistent for ${SECONDS}s`, { timeout: SECONDS * 1000 + 180_000 }, async () => {
    dir.write({ models: MODELS, watchdog: { max_active: 3, idle_check: true, health_timeout: '30s', stop_timeout: '2s', eviction_retries: 100, eviction_retry_interval: '100ms' } });
    serve = new ServeProcess(dir.configFile);
    const url = await serve.url;
    const work = new Workload(url, Object.keys(MODELS));
    const rands = Array.from({ length: WORKERS }, (_, i) => seededRandom(SEED + i));
    // A failure says what the server looked like then: its models and its latest events.
    const explain = async (error: unknown): Promise<never> => {
      const models = await listModels(url).catch(() => []);
      const events = await allEvents(url).catch(() => []);
      const state = models.map((m) => `${m.name}:${m.state}:${m.pid ?? '-'}:inflight ${m.inflight}`).join(', ');
      const recent = events.slice(-25).map((e) => `${e.seq} ${e.type} ${e.model ?? '-'} ${e.reason ?? ''}`).join('\n  ');
      throw new Error(`${String(error)} (LOADOUT_SOAK_SEED=${SEED} replays the run)\nmodels: ${state}\nlast events:\n  ${recent}`);
    };
    const round = async (until: (ops: number) => boolean): Promise<void> => {
      await Promise.all(rands.map(async (rand) => {
        for (let ops = 0; !until(ops); ops++) await work.step(rand);
      })).catch(explain);
      await untilConsistent(url, dir.tag).catch(explain);
    };

    // Warm up (first starts, JIT, buffers), then measure the baseline with nothing loaded.
    await round((ops) => ops >= 15);
    await quiesce(url);
    const baseline: Footprint = footprint(serve.pid);

    const rss: number[] = [];
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const roundEnd = Math.min(end, Date.now() + ROUND_MS);
      await round(() => Date.now() >= roundEnd);
      rss.push(footprint(serve.pid).rssBytes);
    }
    await quiesce(url);
    const final = footprint(serve.pid);
    console.log(`soak: seed ${SEED}, ${rss.length} rounds, ${JSON.stringify(Object.fromEntries([...work.counts].sort()))}, ` +
      `open files ${baseline.openFiles} → ${final.openFiles}, RSS ${(baseline.rssBytes / MiB).toFixed(1)} → ${(final.rssBytes / MiB).toFixed(1)} MiB`);

    expect(work.unexpected, `unexpected answers (LOADOUT_SOAK_SEED=${SEED} replays the run)`).toEqual([]);
    expect(work.counts.get('chat 200') ?? 0, 'requests served').toBeGreaterThan(0);
    expect(work.counts.get('load 200') ?? 0, 'loads that succeeded').toBeGreaterThan(0);
    // Flat: what a leak per request or per backend would grow. Open files are exact up to a few
    // transient handles (a log file being appended); RSS compares the lowest samples of the first and
    // last thirds of the run (the low points are after garbage collection), with room for heap growth.
    expect(final.openFiles, 'open files after the run vs. before').toBeLessThanOrEqual(baseline.openFiles + 8);
    const third = Math.max(1, Math.floor(rss.length / 3));
    const early = Math.min(...rss.slice(0, third));
    const late = Math.min(...rss.slice(-third));
    expect(late - early, `RSS growth (early low ${(early / MiB).toFixed(1)} MiB)`).toBeLessThanOrEqual(64 * MiB + early / 4);

    const seqs = (await allEvents(url)).map((e) => e.seq);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs, 'event numbers: one more each time, none repeated').toEqual(seqs.map((_, i) => seqs[0]! + i));

    serve.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    await waitUntil(() => taggedPids(dir.tag).length === 0, 10_000, 'every backend to be gone after SIGTERM');
  });
});
