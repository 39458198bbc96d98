import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, gone, teardown, TestDir, TestService } from '../../helpers/loadout.js';

// POST /api/models/{name}/unload (CONTRACT §4): graceful waits for in-flight requests, force does not;
// SIGTERM -> stop_timeout -> SIGKILL of the whole process group.

let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, {
    watchdog: { stop_timeout: '1s' },
    models: {
      slow: { args: '--request-delay 600' },
      stuck: { args: '--request-delay 20000' },
      stubborn: { args: '--ignore-sigterm' },
      forks: { args: '--fork-child' },
    },
  });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

async function forkedChild(model: string): Promise<number> {
  let pid = 0;
  for (let i = 0; i < 250 && !pid; i++) {
    const logs = await svc.req<{ lines: { text: string }[] }>('GET', `/api/models/${model}/logs?tail=100`);
    pid = Number(/forked child (\d+)/.exec(logs.json.lines.map((l) => l.text).join('\n'))?.[1] ?? 0);
    if (!pid) await new Promise((r) => setTimeout(r, 20));
  }
  return pid;
}

describe('unload', () => {
  it('waits for in-flight requests to finish; the request still completes with 200', async () => {
    const loaded = await svc.load('slow');
    let chatDone = false;
    const chat = svc.chat('slow').then((r) => ((chatDone = true), r));
    await svc.waitModel('slow', (m) => m.inflight === 1);
    const r = await svc.unload('slow');
    expect(chatDone).toBe(true); // the unload answered only after the request had finished
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('stopped');
    expect((await chat).status).toBe(200);
    expect((await svc.waitType('model_stopped', 'slow')).reason).toBe('manual');
    expect(alive(loaded.json.pid!)).toBe(false);
  });

  it('force unload kills in-flight requests', async () => {
    const loaded = await svc.load('stuck');
    const chat = svc.chat('stuck').catch(() => null);
    await svc.waitModel('stuck', (m) => m.inflight === 1);
    const r = await svc.unload('stuck', true);
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('stopped');
    expect(alive(loaded.json.pid!)).toBe(false);
    const c = await chat;
    expect(c === null || c.status >= 500).toBe(true);
    expect((await svc.waitModel('stuck', (m) => m.inflight === 0)).state).toBe('stopped');
  });

  it('SIGKILLs a backend that ignores SIGTERM once stop_timeout has passed', async () => {
    const loaded = await svc.load('stubborn');
    const r = await svc.unload('stubborn');
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('stopped');
    const stopped = await svc.waitType('model_stopped', 'stubborn');
    expect(stopped.data).toMatchObject({ signal: 'SIGKILL' });
    expect(alive(loaded.json.pid!)).toBe(false);
    const logs = await svc.req<{ lines: { text: string }[] }>('GET', '/api/models/stubborn/logs?tail=50');
    expect(logs.json.lines.map((l) => l.text)).toContain('received SIGTERM, ignoring it');
  });

  it('leaves no child of a forking backend behind after unload', async () => {
    const loaded = await svc.load('forks');
    const child = await forkedChild('forks');
    expect(child).toBeGreaterThan(0);
    expect(alive(child)).toBe(true);
    const r = await svc.unload('forks');
    expect(r.status).toBe(200);
    expect(alive(loaded.json.pid!)).toBe(false);
    expect(await gone(child), `forked child ${child} still alive`).toBe(true);
  });
});
