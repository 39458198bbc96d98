import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { ServeProcess, assertBuilt } from '../../helpers/cli.js';
import { TestDir, http, perTestService, taggedPids, waitUntil } from '../../helpers/loadout.js';

// The engine core issue, black-box: real backends, real ports, the HTTP API and the OpenAI router.

const boot = perTestService();

interface Chat {
  choices?: { message: { content: string } }[];
  error?: { code: string; message: string; retry_after_s?: number };
}

describe('two clients, one slot, against `loadout serve`', () => {
  let dir: TestDir | null = null;
  let serve: ServeProcess | null = null;
  beforeAll(() => assertBuilt());
  afterEach(async () => {
    serve?.kill('SIGTERM');
    await serve?.exited;
    serve = null;
    const tag = dir!.tag;
    await waitUntil(() => taggedPids(tag).length === 0, 5000, 'no backend left');
    await dir!.cleanup();
    dir = null;
  });

  for (const [label, watchdog, groups] of [
    ['max_active: 1', { max_active: 1 }, []],
    ['one concurrency group', {}, ['one']],
  ] as const) {
    it(`answers every request of two clients looping on two models (${label})`, async () => {
      dir = new TestDir();
      dir.write({ watchdog: { ...watchdog }, models: { a: { groups: [...groups], args: '--request-delay 20' }, b: { groups: [...groups], args: '--request-delay 20' } } });
      serve = new ServeProcess(dir.configFile, ['--listen', '127.0.0.1:0']);
      const url = await serve.url;
      const loop = async (model: string) => {
        const answers: string[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await http<Chat>(url, 'POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
          expect(r.status, r.text).toBe(200);
          answers.push(r.json.choices![0]!.message.content);
        }
        return answers;
      };
      const [a, b] = await Promise.all([loop('a'), loop('b')]);
      expect(a.every((t) => t.startsWith('hello from a'))).toBe(true);
      expect(b.every((t) => t.startsWith('hello from b'))).toBe(true);
      const events = (await http<{ events: { type: string }[] }>(url, 'GET', '/api/events?limit=10000')).json.events;
      expect(events.filter((e) => e.type === 'model_starting').length).toBeLessThanOrEqual(10);
      expect(events.filter((e) => e.type === 'load_refused')).toEqual([]);
    });
  }
});

describe('load-failure cooldown', () => {
  it('starts a broken model once, then answers 503 load_cooldown with Retry-After until the cooldown ends', async () => {
    const s = await boot({ watchdog: { load_failure_cooldown: '1h' }, models: { broken: { args: '--exit-at-start 4 --message "error: failed to load model"' } } });
    const first = await s.chat('broken');
    expect(first.status).toBe(502);
    const again = await Promise.all(Array.from({ length: 5 }, () => s.chat('broken')));
    for (const r of again) {
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('3600');
      const err = (r.json as Chat).error!;
      expect(err.code).toBe('load_cooldown');
      expect(err.message).toContain('failed to load model');
    }
    expect(s.of('model_starting', 'broken')).toHaveLength(1);
    expect(s.of('load_refused', 'broken')).toMatchObject([{ reason: 'cooldown' }]);
    expect((await s.model('broken')).cooldown_until).not.toBeNull();
    // An explicit load always tries again.
    expect((await s.load('broken')).status).toBe(502);
    expect(s.of('model_starting', 'broken')).toHaveLength(2);
  });
});

describe('broken backends', () => {
  for (const mode of ['close', 'reset'] as const) {
    it(`replaces a backend that ${mode === 'close' ? 'closed its port' : 'resets connections'} on the next request, which is answered`, async () => {
      const s = await boot({ watchdog: { health_check_interval: 0 }, models: { m: { args: `--break-after 1 --break-mode ${mode}` } } });
      const first = await s.chat('m');
      expect(first.status).toBe(200);
      const pid1 = (await s.model('m')).pid!;
      const second = await s.chat('m');
      expect(second.status, second.text).toBe(200);
      const now = await s.model('m');
      expect(now.pid).not.toBe(pid1);
      const stopped = s.of('model_stopped', 'm');
      expect(stopped).toMatchObject([{ reason: 'unhealthy' }]);
      expect((stopped[0]!.data as { error: string }).error).toMatch(/health check/);
    });
  }

  it('recycles a wedged backend (accepts, never answers) through response_timeout and the retry', async () => {
    const s = await boot({ watchdog: { health_check_interval: 0 }, models: { m: { args: '--break-after 1 --break-mode wedge', responseTimeout: '1s' } } });
    expect((await s.chat('m')).status).toBe(200);
    const second = await s.chat('m');
    expect(second.status, second.text).toBe(200);
    expect(s.of('model_stopped', 'm')).toMatchObject([{ reason: 'unhealthy' }]);
  });

  it('recycles a backend that stopped answering after 3 failed periodic health checks', async () => {
    const s = await boot({ watchdog: { health_check_interval: '200ms' }, models: { m: { args: '--break-after 1 --break-mode wedge' } } });
    expect((await s.chat('m')).status).toBe(200);
    const pid = (await s.model('m')).pid;
    const stopped = await s.waitEvent((e) => e.type === 'model_stopped' && e.reason === 'unhealthy', 15_000, 'unhealthy stop');
    expect(stopped.message).toMatch(/3 health checks in a row failed/);
    expect((await s.model('m')).error?.code).toBe('unhealthy');
    expect(pid).not.toBeNull();
  });

  it('ends a stream cut by a dying backend with an OpenAI-style error event', async () => {
    const s = await boot({ models: { m: { args: '--die-mid-stream --stream-chunks 5 --chunk-delay 20' } } });
    const r = await s.chat('m', { stream: true });
    expect(r.status).toBe(200);
    const events = r.text.split('\n\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    const last = JSON.parse(events[events.length - 1]!) as Chat;
    expect(last.error).toMatchObject({ code: 'backend_error' });
  });
});

describe('bounded unload', () => {
  it('returns a graceful unload behind a stuck request within drain_timeout; the request gets a clear error', async () => {
    const s = await boot({ watchdog: { drain_timeout: '500ms' }, models: { m: { args: '--request-delay 60000' } } });
    expect((await s.load('m')).status).toBe(200);
    const stuck = s.chat('m');
    await s.waitModel('m', (v) => v.inflight === 1);
    const unload = await s.unload('m');
    expect(unload.status).toBe(200);
    expect((unload.json as ModelView).state).toBe('stopped');
    const r = await stuck;
    expect(r.status).toBe(502);
    expect((r.json as Chat).error!.message).toMatch(/drain_timeout/);
    expect(s.of('model_stopped', 'm')[0]!.data).toMatchObject({ drained: false });
  });
});

describe('preflight plan', () => {
  it('GET /api/models/{name}/plan names the evictions and changes nothing', async () => {
    const s = await boot({ models: { a: { groups: ['g'] }, b: { groups: ['g'] } } });
    expect((await s.load('a')).status).toBe(200);
    const r = await s.req<{ action: string; evict: { name: string; reason: string }[] }>('GET', '/api/models/b/plan');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ action: 'load', evict: [{ name: 'a', reason: 'group' }] });
    expect((await s.model('a')).state).toBe('ready');
    expect((await s.req('GET', '/api/models/nope/plan')).status).toBe(404);
  });
});

describe('memory without a GPU', () => {
  it('shows each loaded model’s RAM (its process tree’s resident set) when there is no GPU data', async () => {
    const s = await boot({ models: { m: { args: '--fork-child' } } });
    expect((await s.req<{ source: string }>('GET', '/api/gpu')).json.source).toBe('ram');
    expect((await s.load('m')).status).toBe(200);
    const v = await s.waitModel('m', (m) => (m.ram_bytes ?? 0) > 0, 10_000);
    expect(v.vram_bytes).toBeNull();
    // Two node processes (the backend and its child) hold well over 20 MiB resident.
    expect(v.ram_bytes!).toBeGreaterThan(20 * 1024 * 1024);
    expect((await s.unload('m')).json.ram_bytes).toBeNull();
  });
});
