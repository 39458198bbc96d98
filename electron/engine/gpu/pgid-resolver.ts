import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../platform/clock.js';
import { nodeSpawner, type Spawner } from '../platform/spawner.js';
import { parseProcStatPgid } from '../platform/proc-stat.js';
import { runOnce } from './run-once.js';

export interface PgidResolverOptions {
  clock: Clock;
  procRoot?: string;
  platform?: NodeJS.Platform;
  spawner?: Spawner;
  env?: NodeJS.ProcessEnv;
  /** How long a lookup stays valid. Short, because pids are reused. Default 2000 ms. */
  ttlMs?: number;
}

/**
 * Maps pids to process groups for attributeVram. Lookups are async (reading /proc, or one batched
 * `ps` elsewhere), but attribution is pure and synchronous, so the two are split: `refresh(pids)`
 * fills a short-lived cache, and `pgidOf` answers from it. Windows has no process groups: null.
 */
export class PgidResolver {
  private readonly cache = new Map<number, { pgid: number | null; at: number }>();
  private readonly clock: Clock;
  private readonly procRoot: string;
  private readonly platform: NodeJS.Platform;
  private readonly spawner: Spawner;
  private readonly env: NodeJS.ProcessEnv;
  private readonly ttlMs: number;

  constructor(opts: PgidResolverOptions) {
    this.clock = opts.clock;
    this.procRoot = opts.procRoot ?? '/proc';
    this.platform = opts.platform ?? process.platform;
    this.spawner = opts.spawner ?? nodeSpawner;
    this.env = opts.env ?? process.env;
    this.ttlMs = opts.ttlMs ?? 2000;
  }

  /** The cached process group of `pid`, or null when unknown or gone. Bound, so it can be passed as-is. */
  readonly pgidOf = (pid: number): number | null => {
    const hit = this.cache.get(pid);
    return hit && this.clock.now() - hit.at < this.ttlMs ? hit.pgid : null;
  };

  /** Looks up every pid whose cache entry is missing or stale; also drops stale entries. */
  async refresh(pids: Iterable<number>): Promise<void> {
    const now = this.clock.now();
    for (const [pid, hit] of this.cache) if (now - hit.at >= this.ttlMs) this.cache.delete(pid);
    const todo = [...new Set(pids)].filter((pid) => !this.cache.has(pid));
    if (todo.length === 0 || this.platform === 'win32') return;
    const found = this.platform === 'linux' ? await this.fromProc(todo) : await this.fromPs(todo);
    const at = this.clock.now();
    for (const pid of todo) this.cache.set(pid, { pgid: found.get(pid) ?? null, at });
  }

  private async fromProc(pids: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    await Promise.all(
      pids.map(async (pid) => {
        try {
          const pgid = parseProcStatPgid(await readFile(path.join(this.procRoot, String(pid), 'stat'), 'utf8'));
          if (pgid !== null) out.set(pid, pgid);
        } catch {
          // The process exited, or lives in another pid namespace: it belongs to no group we know.
        }
      }),
    );
    return out;
  }

  /** One `ps` for all pids, not one per pid: a sample must stay cheap. */
  private async fromPs(pids: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    const res = await runOnce(this.spawner, this.clock, 'ps', ['-o', 'pid=,pgid=', '-p', pids.join(',')], this.env, 5000);
    for (const line of res.stdout.split('\n')) {
      const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
      if (m) out.set(Number(m[1]), Number(m[2]));
    }
    return out;
  }
}
