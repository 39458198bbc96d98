import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, teardown, TestDir, TestService } from '../../helpers/loadout.js';

// Load failures (CONTRACT §3, §4 "502 backend failed", §5 model_failed / model_stopped exited).

let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, {
    watchdog: { health_timeout: '1s' },
    models: {
      broken: { args: '--exit-at-start 3 --message "error: failed to load model file"' },
      hangs: { args: '--never-healthy' },
      crashy: { args: '--crash-on-request' },
    },
  });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

describe('load failures', () => {
  it('answers 502 naming the exit code and the last log line when the backend exits at start; the model is failed; the next load retries', async () => {
    const r = await svc.load('broken');
    expect(r.status).toBe(502);
    expect(r.json.error.message).toMatch(/\b3\b/);
    expect(r.json.error.message).toContain('error: failed to load model file');
    const failed = await svc.waitType('model_failed', 'broken');
    expect(failed.data).toMatchObject({ exit_code: 3 });
    expect((failed.data as { log_tail: string[] }).log_tail.join('\n')).toContain('error: failed to load model file');
    const view = await svc.model('broken');
    expect(view.state).toBe('failed');
    expect(view.pid).toBeNull();
    expect(view.error).toMatchObject({ exit_code: 3 });

    const again = await svc.load('broken');
    expect(again.status).toBe(502);
    expect(svc.of('model_starting', 'broken')).toHaveLength(2);
    expect(svc.of('model_failed', 'broken')).toHaveLength(2);
  });

  it('fails a backend that never becomes healthy after health_timeout, and its process is gone', async () => {
    const r = await svc.load('hangs');
    expect(r.status).toBe(502);
    expect(r.json.error.message).toMatch(/health/i);
    const started = svc.of('model_starting', 'hangs');
    expect(started).toHaveLength(1);
    const failed = await svc.waitType('model_failed', 'hangs');
    expect(failed.reason).toBe('health_timeout');
    expect((await svc.model('hangs')).state).toBe('failed');
    // The process that never got healthy does not linger: its "listening" line names its pid.
    const logs = await svc.req<{ lines: { text: string }[] }>('GET', '/api/models/hangs/logs?tail=50');
    const pid = Number(/pid (\d+)/.exec(logs.json.lines.map((l) => l.text).join('\n'))?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('answers a request that crashes the backend with 502 naming the exit code; model_stopped reason exited', async () => {
    const loaded = await svc.load('crashy');
    expect(loaded.status).toBe(200);
    const r = await svc.chat('crashy');
    expect(r.status).toBe(502);
    expect(r.json.error.message).toMatch(/code 3\b/);
    const stopped = await svc.waitType('model_stopped', 'crashy');
    expect(stopped.reason).toBe('exited');
    expect(stopped.data).toMatchObject({ exit_code: 3 });
    const view = await svc.waitModel('crashy', (m) => m.state === 'failed');
    expect(view.inflight).toBe(0);
    expect(alive(loaded.json.pid!)).toBe(false);
    // the next request starts it again
    expect((await svc.load('crashy')).status).toBe(200);
  });
});
