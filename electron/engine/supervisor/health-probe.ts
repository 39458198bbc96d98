import { request } from 'node:http';

export type HealthState = 'ok' | 'loading' | 'down';

export interface HealthProbeResult {
  state: HealthState;
  /** Why it is not ok, for the health_timeout message ("HTTP 404", "ECONNREFUSED", ...). */
  reason: string;
}

/** One probe must not hold up the next: a wedged backend shows as down, then it is asked again. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * Asks a backend's health endpoint once. llama-server answers 503 while it loads the model and
 * 200 once it serves; anything else (refused, timeout, 404, 500) counts as down.
 */
export function probeHealthDetail(port: number, path: string, signal?: AbortSignal, host = '127.0.0.1'): Promise<HealthProbeResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ state: 'down', reason: 'aborted' });
    let settled = false;
    const done = (result: HealthProbeResult) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    // agent:false: no pooled sockets, so a probe never reuses a connection to a previous instance.
    const req = request({ host, port, path, method: 'GET', agent: false, headers: { connection: 'close' } }, (res) => {
      const status = res.statusCode ?? 0;
      // Drain so the socket closes; the body does not matter.
      res.resume();
      if (status >= 200 && status < 300) done({ state: 'ok', reason: `HTTP ${status}` });
      else if (status === 503) done({ state: 'loading', reason: 'HTTP 503' });
      else done({ state: 'down', reason: `HTTP ${status}` });
    });
    const onAbort = () => {
      done({ state: 'down', reason: 'aborted' });
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(PROBE_TIMEOUT_MS, () => {
      done({ state: 'down', reason: `no answer within ${PROBE_TIMEOUT_MS}ms` });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => done({ state: 'down', reason: err.code ?? err.message }));
    req.end();
  });
}

/** probeHealthDetail without the reason. */
export async function probeHealth(port: number, path: string, signal?: AbortSignal): Promise<HealthState> {
  return (await probeHealthDetail(port, path, signal)).state;
}
