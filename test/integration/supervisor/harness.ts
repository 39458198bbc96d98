import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../electron/engine/platform/clock.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';
import { nodeSpawner } from '../../../electron/engine/platform/spawner.js';
import { BackendProcess, type BackendSpec } from '../../../electron/engine/supervisor/backend-process.js';
import { freePort } from '../../../electron/engine/supervisor/free-port.js';
import { LogStore, type LogStoreOptions } from '../../../electron/engine/supervisor/log-store.js';
import { isProcessAlive } from '../../../electron/engine/supervisor/process-info.js';
import { RunRecords } from '../../../electron/engine/supervisor/run-records.js';

export const FAKE_BACKEND = fileURLToPath(new URL('../../fixtures/fake-backend.mjs', import.meta.url));

/** Real backends of fake-backend.mjs, their logs and run records, and the cleanup that kills them all. */
export class Harness {
  readonly stateDir = mkdtempSync(join(tmpdir(), 'loadout-supervisor-'));
  readonly logs: LogStore;
  readonly records = new RunRecords(this.stateDir);
  private readonly pids = new Set<number>();
  private readonly backends: BackendProcess[] = [];
  private instance = 0;

  constructor(logOptions: LogStoreOptions = {}) {
    this.logs = new LogStore(logOptions);
  }

  async backend(flags: string[], spec: Partial<BackendSpec> = {}): Promise<BackendProcess> {
    const port = spec.port ?? (await freePort());
    const backend = new BackendProcess(
      {
        model: 'fake',
        instance: ++this.instance,
        file: process.execPath,
        args: [FAKE_BACKEND, '--port', String(port), ...flags],
        env: { ...process.env },
        port,
        healthPath: '/health',
        healthTimeoutMs: 10_000,
        stopTimeoutMs: 2_000,
        ...spec,
      },
      { spawner: nodeSpawner, clock: systemClock, logs: this.logs, records: this.records, logger: silentLogger },
    );
    this.backends.push(backend);
    this.logs.subscribe(backend.spec.model, (line) => {
      const forked = /forked child (\d+)/.exec(line.text);
      if (forked) this.pids.add(Number(forked[1]));
    });
    return backend;
  }

  /** Pids of children a fake backend reported forking. */
  forkedChildren(model = 'fake'): number[] {
    return this.logs
      .tail(model)
      .map((l) => /forked child (\d+)/.exec(l.text)?.[1])
      .filter((p): p is string => p !== undefined)
      .map(Number);
  }

  track(pid: number | null): void {
    if (pid !== null) this.pids.add(pid);
  }

  /** SIGKILLs every group and process a test started, waits until they are gone, removes the state dir. */
  async cleanup(): Promise<void> {
    for (const b of this.backends) this.track(b.pid);
    for (const pid of this.pids) {
      killQuietly(-pid);
      killQuietly(pid);
    }
    for (const pid of this.pids) await waitGone(pid);
    this.pids.clear();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

function killQuietly(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch (err) {
    // ESRCH: already gone, which is what cleanup wants.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Bounded poll of the process table; a zombie counts as gone. */
export async function waitGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Resolves with the first line of the model's output that matches. */
export function waitForLine(logs: LogStore, model: string, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const found = logs.tail(model).find((l) => pattern.test(l.text));
    if (found) return resolve(found.text);
    const off = logs.subscribe(model, (l) => {
      if (!pattern.test(l.text)) return;
      off();
      resolve(l.text);
    });
  });
}
