import { afterEach, describe, expect, it } from 'vitest';
import { TcpForwarder } from '../../../electron/engine/supervisor/tcp-forwarder.js';
import { probeHealth } from '../../../electron/engine/supervisor/health-probe.js';
import { Harness, waitForLine } from './harness.js';

// What a llama-swap model may ask of its backend process: no health check, a stop command instead
// of SIGTERM (falling back to SIGTERM when that command fails), an upstream reached through a forwarder.

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

describe('BackendProcess, llama-swap style', () => {
  it('with no health path is ready as soon as it runs, without asking /health', async () => {
    h = new Harness();
    const b = await h.backend(['--never-healthy'], { healthPath: null });
    const result = await b.start();
    expect(result.ok).toBe(true);
    await waitForLine(h.logs, 'fake', /server is listening/);
    expect(await probeHealth(b.spec.port, '/health')).toBe('loading');
  });

  it('runs the stop command instead of SIGTERM, with the pid, and logs its output', async () => {
    h = new Harness();
    const b = await h.backend(['--ignore-sigterm'], {
      stopTimeoutMs: 60_000,
      stopCommand: (pid) => ({ file: process.execPath, args: ['-e', `console.log('stopping ${pid}'); process.kill(${pid}, 'SIGINT')`] }),
    });
    expect((await b.start()).ok).toBe(true);
    const exit = await b.stop();
    // SIGINT makes the stand-in exit 130; SIGTERM would have been ignored until SIGKILL at 60 s.
    expect(exit).toEqual({ exitCode: 130, signal: null });
    expect(h.logs.tail('fake').map((l) => l.text)).toContain(`stopping ${b.pid}`);
  });

  it('falls back to SIGTERM when the stop command fails', async () => {
    h = new Harness();
    const b = await h.backend([], { stopTimeoutMs: 60_000, stopCommand: () => ({ file: process.execPath, args: ['-e', 'process.exit(5)'] }) });
    expect((await b.start()).ok).toBe(true);
    expect(await b.stop()).toEqual({ exitCode: 143, signal: null });
  });
});

describe('TcpForwarder', () => {
  it('relays a loopback port to another address, and refuses once closed', async () => {
    h = new Harness();
    const b = await h.backend([]);
    expect((await b.start()).ok).toBe(true);
    const f = await TcpForwarder.open('localhost', b.spec.port);
    expect(await probeHealth(f.port, '/health')).toBe('ok');
    await f.close();
    expect(await probeHealth(f.port, '/health')).toBe('down');
  });
});
