import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../helpers/cli.js';
import { LOADOUT_BIN, perTestService, REPO_ROOT, type TestService, waitUntil } from '../../helpers/loadout.js';

// `loadout load` follows the load (issue 10 item 3). Not a terminal here: plain lines.
const boot = perTestService();
const SLOW = { health_timeout: '120s', stop_timeout: '2s', eviction_retries: 1000 };
let gateDir: string | null = null;

beforeAll(() => assertBuilt());
afterEach(() => {
  if (gateDir) rmSync(gateDir, { recursive: true, force: true });
  gateDir = null;
});

/** `loadout load …` as a child process whose output the test watches as it comes. */
function loadCli(svc: TestService, ...args: string[]) {
  const proc = spawn(process.execPath, [LOADOUT_BIN, 'load', ...args, '--url', svc.url, '--config', svc.dir.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOADOUT_LOG_LEVEL: 'warn' } });
  const out = { stdout: '', stderr: '' };
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const sees = (text: string) => waitUntil(() => out.stdout.includes(text), 20_000, `"${text}" in ${JSON.stringify(out)}`);
  return { proc, out, exited, sees };
}

describe('loadout load', () => {
  it('prints a line when it starts, each percentage the backend reports, and when it is ready', async () => {
    gateDir = mkdtempSync(join(tmpdir(), 'loadout-gate-'));
    const gate = join(gateDir, 'healthy');
    const svc = await boot({ models: { m: { args: `--progress 50 --healthy-when ${gate}` } }, watchdog: SLOW });
    const cli = loadCli(svc, 'm');
    await cli.sees('m 50 %');
    writeFileSync(gate, '');
    expect(await cli.exited, cli.out.stderr).toBe(0);
    const view = await svc.model('m');
    expect(cli.out.stdout.trim().split('\n')).toEqual(['starting m', 'm 50 %', `m ready in ${/\d+\.\d s/.exec(cli.out.stdout)![0]} (pid ${view.pid}, port ${view.port})`]);
  });

  it('says what the load waits for', async () => {
    const svc = await boot({ models: { a: { args: '--request-delay 60000' }, b: {} }, watchdog: { ...SLOW, max_active: 1 } });
    const chat = svc.chat('a');
    await svc.waitView('a', (v) => v.inflight === 1);
    const cli = loadCli(svc, 'b');
    await cli.sees('b waits for a');
    expect((await svc.unload('a', true)).status).toBe(200);
    expect(await cli.exited, cli.out.stderr).toBe(0);
    expect(cli.out.stdout.trim().split('\n')).toEqual(['starting b', 'b waits for a', expect.stringMatching(/^b ready in /)]);
    await chat;
  });

  it('Ctrl-C stops following and leaves the load running', async () => {
    const svc = await boot({ models: { m: { args: '--never-healthy' } }, watchdog: SLOW });
    const cli = loadCli(svc, 'm');
    await cli.sees('starting m');
    await svc.waitView('m', (v) => v.pid !== null);
    cli.proc.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.out.stderr).toContain('m goes on loading');
    expect((await svc.model('m')).state).toBe('starting');
    expect(svc.of('model_stopped', 'm')).toEqual([]);
  });

  it('with --cancel-on-interrupt, Ctrl-C cancels the load', async () => {
    const svc = await boot({ models: { m: { args: '--never-healthy' } }, watchdog: SLOW });
    const cli = loadCli(svc, 'm', '--cancel-on-interrupt');
    await cli.sees('starting m');
    await svc.waitView('m', (v) => v.pid !== null);
    cli.proc.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.out.stderr).toContain('cancelled loading m');
    expect(await svc.model('m')).toMatchObject({ state: 'stopped', error: null });
    expect(await svc.waitType('model_stopped', 'm')).toMatchObject({ data: { cancelled: true } });
  });
});
