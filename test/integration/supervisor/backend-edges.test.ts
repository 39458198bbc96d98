import { afterEach, describe, expect, it } from 'vitest';
import { ProcessLauncher } from '../../../electron/engine/backends/process-launcher.js';
import { DEFAULT_WATCHDOG, type ModelConfig } from '../../../electron/engine/config/types.js';
import { systemClock } from '../../../electron/engine/platform/clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { nodeSpawner } from '../../../electron/engine/platform/spawner.js';
import { freePort } from '../../../electron/engine/supervisor/free-port.js';
import { TcpForwarder } from '../../../electron/engine/supervisor/tcp-forwarder.js';
import { probeHealth } from '../../../electron/engine/supervisor/health-probe.js';
import { FAKE_BACKEND, Harness, waitForLine } from './harness.js';

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

describe('ProcessLauncher', () => {
  const model = (port: number): ModelConfig => ({
    name: 'fake', cmd: `${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_BACKEND)} --port \${PORT}`, health: '/health', model: null, args: '',
    env: {}, aliases: [], pinned: false, groups: [], ttlMs: null, vramBytes: null, contextSize: null, backend: null, unlisted: false,
    responseTimeoutMs: null, protocol: 'http', sourceFile: '/c.yaml', sourceKind: 'main', launch: { port },
  });

  it('uses the preferred port when it is free, and another one when it is taken', async () => {
    h = new Harness();
    const launcher = new ProcessLauncher({ spawner: nodeSpawner, clock: systemClock, logs: h.logs, records: h.records, logger: silentLogger, env: process.env });
    const wanted = await freePort();
    const first = await launcher.create(model(wanted), 1, DEFAULT_WATCHDOG);
    expect(first.port).toBe(wanted);
    expect((await first.start()).ok).toBe(true);
    h.track(first.pid);
    // The first backend now holds the port: the next start of the model gets another one.
    const second = await launcher.create(model(wanted), 2, DEFAULT_WATCHDOG);
    expect(second.port).not.toBe(wanted);
    expect((await second.start()).ok).toBe(true);
    h.track(second.pid);
    await Promise.all([first.stop(), second.stop()]);
  });
});
