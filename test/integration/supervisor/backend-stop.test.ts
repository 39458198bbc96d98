import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../electron/engine/supervisor/process-info.js';
import type { ExitInfo } from '../../../electron/engine/supervisor/backend-process.js';
import { Harness, waitForLine, waitGone } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

describe('BackendProcess stop', () => {
  it('stops a backend with SIGTERM', async () => {
    h = new Harness();
    const b = await h.backend([]);
    expect((await b.start()).ok).toBe(true);
    const info = await b.stop();
    expect(info.exitCode === 143 || info.signal === 'SIGTERM').toBe(true);
    expect(await waitGone(b.pid!)).toBe(true);
  });

  it('escalates to SIGKILL when the backend ignores SIGTERM for stopTimeoutMs', async () => {
    h = new Harness();
    const b = await h.backend(['--ignore-sigterm'], { stopTimeoutMs: 500 });
    expect((await b.start()).ok).toBe(true);
    const t0 = Date.now();
    const info = await b.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(info).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(h.logs.tail('fake').some((l) => l.text.includes('received SIGTERM, ignoring it'))).toBe(true);
  });

  it('kills at once with force, and force escalates a graceful stop under way', async () => {
    h = new Harness();
    const b = await h.backend(['--ignore-sigterm'], { stopTimeoutMs: 60_000 });
    expect((await b.start()).ok).toBe(true);
    const graceful = b.stop();
    await waitForLine(h.logs, 'fake', /received SIGTERM/);
    const forced = b.stop({ force: true });
    expect(forced).toBe(graceful);
    expect(await forced).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });

  it('shares one stop between concurrent callers and answers at once after exit', async () => {
    h = new Harness();
    const b = await h.backend([]);
    expect((await b.start()).ok).toBe(true);
    const [a, c] = [b.stop(), b.stop()];
    expect(a).toBe(c);
    const info = await a;
    expect(await b.stop()).toBe(info);
    expect(b.exitInfo).toBe(info);
  });

  it.each([
    ['both ignore SIGTERM', ['--fork-child', '--ignore-sigterm']],
    ['only the child ignores SIGTERM', ['--fork-child', '--child-ignore-sigterm']],
    ['both exit on SIGTERM', ['--fork-child']],
  ])('leaves neither the backend nor its child alive (%s)', async (_name, flags) => {
    h = new Harness();
    const b = await h.backend(flags, { stopTimeoutMs: 500 });
    expect((await b.start()).ok).toBe(true);
    await waitForLine(h.logs, 'fake', /child \d+ sleeping/);
    const [child] = h.forkedChildren();
    expect(child).toBeDefined();
    expect(isProcessAlive(child!)).toBe(true);
    await b.stop();
    expect(await waitGone(b.pid!)).toBe(true);
    expect(await waitGone(child!)).toBe(true);
  });

  it('kills the children of a backend that crashed on its own', async () => {
    h = new Harness();
    // The crash is triggered by a request once the child is known to be running, never by a timer: a
    // timer raced the child's start-up on a busy machine (the group was killed before it said a word).
    const b = await h.backend(['--fork-child', '--child-ignore-sigterm', '--crash-on-request']);
    const exited = new Promise<ExitInfo>((resolve) => b.onExit(resolve));
    expect((await b.start()).ok).toBe(true);
    await waitForLine(h.logs, 'fake', /child \d+ sleeping/);
    const [child] = h.forkedChildren();
    expect(isProcessAlive(child!)).toBe(true);
    await fetch(`http://127.0.0.1:${b.spec.port}/v1/models`).catch(() => null); // the backend dies mid-request
    expect(await exited).toEqual({ exitCode: 3, signal: null });
    expect(await waitGone(child!)).toBe(true);
  });
});
