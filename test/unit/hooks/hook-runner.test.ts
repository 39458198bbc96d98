import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HooksConfig } from '../../../electron/engine/config/types.js';
import { HookRunner } from '../../../electron/engine/hooks/hook-runner.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import { createLogger } from '../../../electron/engine/platform/logger.js';
import type { SpawnRequest, Spawner } from '../../../electron/engine/platform/spawner.js';
import type { LoadoutEvent } from '../../../shared/events.js';

/** A child process that exits when the test says so; it records what was written to its stdin. */
class FakeChild extends EventEmitter {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly pid = undefined;
  input = '';
  constructor() {
    super();
    this.stdin.on('data', (c: Buffer) => (this.input += c.toString()));
  }
}

function setup(commands: HooksConfig['commands'], timeoutMs = 5000) {
  const clock = new FakeClock(0);
  const spawned: { req: SpawnRequest; child: FakeChild }[] = [];
  const spawner: Spawner = {
    spawn: (req) => {
      const child = new FakeChild();
      spawned.push({ req, child });
      return child as unknown as ChildProcess;
    },
  };
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {}, (l) => logs.push(JSON.parse(l) as Record<string, unknown>));
  const runner = new HookRunner({ spawner, clock, logger, env: {}, hooks: () => ({ timeoutMs, commands }) });
  return { clock, spawned, logs, runner };
}

const ready = { seq: 3, at: '2026-01-01T00:00:00.000Z', type: 'model_ready', model: 'm', reason: null, message: 'm ready', data: { pid: 1, port: 2, load_ms: 3, instance: 4 } } as LoadoutEvent;
const tick = () => new Promise((r) => setImmediate(r));

describe('HookRunner', () => {
  it('runs hooks one at a time, in event order, with the payload on stdin', async () => {
    const { spawned, runner } = setup({ after_ready: ['first --a'], before_unload: ['second'] });
    runner.onEvent(ready);
    const unload = runner.beforeUnload('m', 4);
    await tick();
    expect(spawned.map((s) => s.req.file)).toEqual(['first']); // the second waits for the first
    expect(spawned[0]!.req).toMatchObject({ args: ['--a'], stdin: 'pipe', env: { LOADOUT_HOOK: 'after_ready', LOADOUT_MODEL: 'm' } });
    expect(JSON.parse(spawned[0]!.child.input)).toEqual({ hook: 'after_ready', model: 'm', instance: 4, event: ready });
    spawned[0]!.child.emit('exit', 0, null);
    await tick();
    expect(spawned.map((s) => s.req.file)).toEqual(['first', 'second']);
    expect(JSON.parse(spawned[1]!.child.input)).toEqual({ hook: 'before_unload', model: 'm', instance: 4, event: null });
    spawned[1]!.child.emit('exit', 0, null);
    await unload;
  });

  it('resolves at once when a hook has no command', async () => {
    const { spawned, runner } = setup({});
    await runner.beforeLoad('m', 1);
    runner.onEvent(ready);
    expect(spawned).toEqual([]);
  });

  it('logs a failing hook and goes on with the next', async () => {
    const { spawned, logs, runner } = setup({ after_ready: ['fails', 'next'] });
    runner.onEvent(ready);
    await tick();
    spawned[0]!.child.stderr.write('boom\n');
    spawned[0]!.child.emit('exit', 2, null);
    await tick();
    expect(spawned.map((s) => s.req.file)).toEqual(['fails', 'next']);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'hook output', line: 'boom', hook: 'after_ready' }));
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'hook failed', exit_code: 2 }));
  });

  it('gives a hook its timeout, then says it is killing it', async () => {
    const { clock, spawned, logs, runner } = setup({ before_load: ['hangs'] }, 1000);
    let done = false;
    void runner.beforeLoad('m', 1).then(() => (done = true));
    await tick();
    clock.advance(999);
    expect(logs.some((l) => l.msg === 'hook timed out; killing it')).toBe(false);
    clock.advance(1);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'hook timed out; killing it', timeout_ms: 1000 }));
    spawned[0]!.child.emit('exit', null, 'SIGKILL');
    await tick();
    expect(done).toBe(true);
  });
});
