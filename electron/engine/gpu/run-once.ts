import type { Clock } from '../platform/clock.js';
import type { Spawner } from '../platform/spawner.js';

export interface RunOnceResult {
  code: number | null;
  stdout: string;
  /** Set when the process could not start or ran past the timeout. */
  error: string | null;
}

/**
 * Runs a short command to completion and collects stdout, without ever blocking the event loop.
 * A hung tool (nvidia-smi waiting on a wedged driver does this) is killed at `timeoutMs` rather
 * than piling up one stuck process per sample.
 */
export function runOnce(spawner: Spawner, clock: Clock, file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<RunOnceResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let settled = false;
    let error: string | null = null;
    const child = spawner.spawn({ file, args, env });
    const timer = clock.setTimeout(() => {
      error = `${file} ${args[0] ?? ''} timed out after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    // Aborting (the owner was disposed) kills the child so no process outlives its owner.
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
      resolve({ code, stdout, error });
    };
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.resume(); // Drain it so a chatty tool never blocks on a full pipe.
    child.on('error', (err) => {
      error = err.message;
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}
