// The soak's mixed workload: loads, unloads (graceful and forced), pins, plain and streamed requests
// and crashes, picked at random from a seeded generator so that a failing run can be replayed.
import type { ModelView } from '../../../shared/model-view.js';
import { killQuietly } from '../../helpers/loadout.js';
import { call, listModels } from './soak-probe.js';

export type Rand = () => number;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** Statuses a well-behaved server may answer under contention: refusals with a reason, never a 500. */
const EXPECTED: Record<string, number[]> = {
  load: [200, 409, 502, 503],
  unload: [200, 409, 503],
  pin: [200],
  chat: [200, 409, 502, 503],
  stream: [200, 409, 502, 503],
};

export class Workload {
  readonly counts = new Map<string, number>();
  readonly unexpected: string[] = [];

  constructor(
    private readonly url: string,
    private readonly models: readonly string[],
  ) {}

  private record(op: string, status: number, text: string): void {
    this.counts.set(`${op} ${status}`, (this.counts.get(`${op} ${status}`) ?? 0) + 1);
    if (!EXPECTED[op]!.includes(status)) this.unexpected.push(`${op} → ${status}: ${text.slice(0, 300)}`);
  }

  /** One random operation. */
  async step(rand: Rand): Promise<void> {
    const r = rand();
    const name = pick(rand, this.models);
    const enc = encodeURIComponent(name);
    if (r < 0.3) {
      const res = await call(this.url, 'POST', '/v1/chat/completions', { model: name, messages: [{ role: 'user', content: 'hi' }] });
      return this.record('chat', res.status, res.text);
    }
    if (r < 0.4) {
      const res = await call(this.url, 'POST', '/v1/chat/completions', { model: name, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      if (res.status === 200 && !res.text.includes('data: [DONE]') && !res.text.includes('"error"')) this.unexpected.push(`a stream of ${name} ended without [DONE] or an error: ${res.text.slice(-200)}`);
      return this.record('stream', res.status, res.text);
    }
    if (r < 0.6) {
      const res = await call(this.url, 'POST', `/api/models/${enc}/load`);
      return this.record('load', res.status, res.text);
    }
    if (r < 0.75) {
      const res = await call(this.url, 'POST', `/api/models/${enc}/unload`, { force: rand() < 0.3 });
      return this.record('unload', res.status, res.text);
    }
    if (r < 0.9) return this.togglePin(rand);
    return this.crash(rand);
  }

  /** At most two pinned models, so that pins never block every load. */
  private async togglePin(rand: Rand): Promise<void> {
    const models = await listModels(this.url);
    const pinned = models.filter((m) => m.pinned);
    const target = pinned.length >= 2 ? pick(rand, pinned) : pick(rand, models);
    const res = await call(this.url, 'PUT', `/api/models/${encodeURIComponent(target.name)}/pinned`, { pinned: !target.pinned });
    this.record('pin', res.status, res.text);
  }

  /** SIGKILL a ready backend, as a crash would; then wait until the server has noticed. */
  private async crash(rand: Rand): Promise<void> {
    const ready = (await listModels(this.url)).filter((m): m is ModelView & { pid: number } => m.state === 'ready' && m.pid !== null);
    if (ready.length === 0) return;
    const victim = pick(rand, ready);
    killQuietly(victim.pid, 'SIGKILL');
    this.counts.set('crash', (this.counts.get('crash') ?? 0) + 1);
    // The bound only turns a hang into a report (and stops the run: nothing after it would mean much).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const now = (await listModels(this.url)).find((m) => m.name === victim.name);
      if (!now || now.pid !== victim.pid || now.state !== 'ready') return;
      if (Date.now() > deadline) throw new Error(`${victim.name} is still ready 20 s after its process ${victim.pid} was killed`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
