import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHealth } from '../../../electron/engine/supervisor/health-probe.js';
import { Harness, waitForLine, waitGone } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});
const harness = () => (h = new Harness());

describe('BackendProcess start', () => {
  it('is ready once /health turns from 503 to 200', async () => {
    harness();
    const b = await h.backend(['--loading-ms', '400']);
    const starting = b.start();
    await waitForLine(h.logs, 'fake', /server is listening/);
    expect(await probeHealth(b.spec.port, '/health')).toBe('loading');
    const result = await starting;
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.loadMs).toBeGreaterThanOrEqual(400);
    expect(await probeHealth(b.spec.port, '/health')).toBe('ok');
    expect(b.exitInfo).toBeNull();
  });

  it('adds milliseconds, not seconds, to a slow backend start', async () => {
    harness();
    const b = await h.backend(['--start-delay', '500']);
    const result = await b.start();
    const readyAt = Date.now();
    expect(result.ok).toBe(true);
    expect(result.ok && result.loadMs).toBeGreaterThanOrEqual(500);
    const healthy = h.logs.tail('fake').find((l) => l.text.includes('all slots are idle'));
    expect(healthy).toBeDefined();
    expect(readyAt - Date.parse(healthy!.at)).toBeLessThan(150);
  });

  it('fails at once with the exit code and the last stderr line when the backend exits while starting', async () => {
    harness();
    const b = await h.backend(['--exit-at-start', '7', '--message', 'error: failed to load model /m.gguf'], { healthTimeoutMs: 60_000 });
    const t0 = Date.now();
    const result = await b.start();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ code: 'exited', exitCode: 7, signal: null });
    expect(result.failure.message).toBe('backend exited with code 7 before it was ready: error: failed to load model /m.gguf');
    expect(result.failure.logTail).toContain('error: failed to load model /m.gguf');
    expect(b.exitInfo).toEqual({ exitCode: 7, signal: null });
  });

  it('kills a backend that never becomes healthy after the health timeout', async () => {
    harness();
    const b = await h.backend(['--never-healthy'], { healthTimeoutMs: 1500 });
    const t0 = Date.now();
    const result = await b.start();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.code).toBe('health_timeout');
    expect(result.failure.message).toContain('HTTP 503');
    expect(result.failure.signal).toBe('SIGKILL');
    expect(await waitGone(b.pid!)).toBe(true);
  });

  it('reports spawn_failed naming the file when the binary does not exist', async () => {
    harness();
    const b = await h.backend([], { file: '/nonexistent/llama-server' });
    const result = await b.start();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.code).toBe('spawn_failed');
    expect(result.failure.message).toContain('/nonexistent/llama-server');
    expect(b.pid).toBeNull();
    expect(await b.stop()).toEqual({ exitCode: null, signal: null });
  });

  it('survives a flood of output and keeps the last 1000 lines', async () => {
    harness();
    const b = await h.backend(['--flood-logs', '5000']);
    const result = await b.start();
    expect(result.ok).toBe(true);
    await waitForLine(h.logs, 'fake', /flood line 4999/);
    const lines = h.logs.tail('fake');
    expect(lines).toHaveLength(1000);
    expect(lines.some((l) => l.text === 'flood line 4999')).toBe(true);
    expect(lines.some((l) => l.text === 'flood line 0')).toBe(false);
  });

  it('gives up with aborted and kills the backend when the caller aborts', async () => {
    harness();
    const b = await h.backend(['--never-healthy']);
    const ctl = new AbortController();
    const starting = b.start(ctl.signal);
    await waitForLine(h.logs, 'fake', /server is listening/);
    ctl.abort();
    const result = await starting;
    expect(!result.ok && result.failure.code).toBe('aborted');
    expect(await waitGone(b.pid!)).toBe(true);
  });

  it('answers aborted when stopped while starting', async () => {
    harness();
    const b = await h.backend(['--loading-ms', '5000']);
    const starting = b.start();
    await waitForLine(h.logs, 'fake', /server is listening/);
    await b.stop();
    const result = await starting;
    expect(!result.ok && result.failure.code).toBe('aborted');
  });

  it('tells exit listeners when a ready backend dies on its own and drops its run record', async () => {
    harness();
    const b = await h.backend(['--exit-after', '300']);
    const exited = new Promise((resolve) => b.onExit(resolve));
    expect((await b.start()).ok).toBe(true);
    expect(await exited).toEqual({ exitCode: 0, signal: null });
    expect(readdirSync(join(h.stateDir, 'runs'))).toEqual([]);
  });
});
