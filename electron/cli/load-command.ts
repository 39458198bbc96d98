import type { LoadoutEvent } from '../../shared/events.js';
import { loadProgress } from '../../shared/load-progress.js';
import type { ModelView } from '../../shared/model-view.js';
import type { ApiClient } from './api-client.js';
import type { ParsedArgs } from './args.js';
import { loadDuration, PlainProgress, TtyProgress, type TtyStream } from './tty-progress.js';

type Out = (line: string) => void;

export interface LoadCommandDeps {
  api: ApiClient;
  out: Out;
  err: Out;
  /** stdout when it is a terminal (a bar redrawn in place), else null (plain lines). */
  tty: TtyStream | null;
  /** Calls `fn` on Ctrl-C until the returned function is called. */
  onInterrupt(fn: () => void): () => void;
  /** How often the model is asked for its progress while the load runs. */
  pollMs?: number;
}

/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

/** What `load` did: loaded or already loaded, and the models it unloaded to make room. */
export function loadedLines(before: ModelView, after: ModelView, ms: number, events: LoadoutEvent[]): string[] {
  const where = `pid ${after.pid}, port ${after.port}`;
  if (before.state === 'ready') return [`${after.name} was already loaded (${where})`];
  const evicted = events.filter((e) => e.type === 'model_evicted' && e.data.for === after.name);
  return [`${after.name} ready in ${loadDuration(ms)} (${where})`, ...evicted.map((e) => `  ${e.message}`)];
}

/**
 * `loadout load NAME`: starts the load, follows its progress by asking for the model every half second
 * (a bar on a terminal, plain lines otherwise) and prints what happened. Ctrl-C stops following and
 * leaves the load running, unless `--cancel-on-interrupt` asks for it to be cancelled.
 */
export async function runLoad(name: string, args: ParsedArgs, d: LoadCommandDeps): Promise<number> {
  const { api } = d;
  const path = `/api/models/${encodeURIComponent(name)}`;
  const json = args.flags.has('json');
  const before = await api.call<ModelView>('GET', path);
  const since = (await api.call<{ last_seq: number }>('GET', '/api/snapshot')).last_seq;
  const began = Date.now();
  const following = !json && before.state !== 'ready';
  if (following && !d.tty) d.out(`starting ${name}`);
  const view = d.tty ? new TtyProgress(d.tty) : new PlainProgress(d.out);

  let settled = false;
  const load = api.call<ModelView>('POST', `${path}/load`).then(
    (model) => ({ kind: 'loaded' as const, model }),
    (error: unknown) => ({ kind: 'failed' as const, error }),
  );
  void load.then(() => (settled = true));
  let offInterrupt = (): void => undefined;
  const interrupted = new Promise<{ kind: 'interrupted' }>((resolve) => (offInterrupt = d.onInterrupt(() => resolve({ kind: 'interrupted' }))));
  if (following) void follow();

  const outcome = await Promise.race([load, interrupted]);
  settled = true;
  offInterrupt();
  view.clear();
  if (outcome.kind === 'interrupted') {
    if (args.flags.has('cancel-on-interrupt')) {
      await api.call<ModelView>('POST', `${path}/unload`, {});
      d.err(`cancelled loading ${name}`);
    } else {
      d.err(`stopped following; ${name} goes on loading in Loadout (\`loadout unload ${name}\` cancels it)`);
    }
    return INTERRUPTED;
  }
  if (outcome.kind === 'failed') throw outcome.error;
  const m = outcome.model;
  if (json) {
    d.out(JSON.stringify(m, null, 2));
    return 0;
  }
  const r = await api.call<{ events: LoadoutEvent[] }>('GET', `/api/events?after=${since}&limit=1000`);
  loadedLines(before, m, Date.now() - began, r.events).forEach((l) => d.out(l));
  return 0;

  async function follow(): Promise<void> {
    const pollMs = d.pollMs ?? 500;
    while (!settled) {
      await Promise.race([load, new Promise((r) => setTimeout(r, pollMs))]);
      if (settled) return;
      // A poll that fails only skips a frame: the load call itself reports what went wrong.
      const m = await api.call<ModelView>('GET', path).catch(() => null);
      const p = m ? loadProgress(m, Date.now()) : null;
      if (p && !settled) view.draw(name, p);
    }
  }
}
