import { connect } from 'node:net';
import { parseStatusLine } from './status-line.js';

export type HealthState = 'ok' | 'loading' | 'down';

export interface HealthProbeResult {
  state: HealthState;
  /** Why it is not ok, for the health_timeout message ("HTTP 404", "ECONNREFUSED", ...). */
  reason: string;
}

/** One probe must not hold up the next: a wedged backend shows as down, then it is asked again. */
const PROBE_TIMEOUT_MS = 1000;
/** A status line longer than this is not one: the answer is not HTTP. */
const MAX_HEAD_BYTES = 4096;

/** What the status code says: llama-server answers 503 while it loads the model and 200 once it serves. */
export function healthOfStatus(status: number): HealthProbeResult {
  if (status >= 200 && status < 300) return { state: 'ok', reason: `HTTP ${status}` };
  if (status === 503) return { state: 'loading', reason: 'HTTP 503' };
  return { state: 'down', reason: `HTTP ${status}` };
}

/**
 * Asks a backend's health endpoint once; anything but 2xx or 503 (refused, reset, timeout, 404, 500,
 * an answer that is not HTTP) counts as down. The probe sits on the load path (a load returns as soon
 * as one says ok), so it is one plain socket: a new connection (never one to a previous instance), a
 * fixed request, and only the status line read before the socket is dropped; no HTTP client objects.
 */
export function probeHealthDetail(port: number, path: string, signal?: AbortSignal, host = '127.0.0.1'): Promise<HealthProbeResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ state: 'down', reason: 'aborted' });
    const socket = connect({ host, port, noDelay: true });
    let head = '';
    let settled = false;
    const done = (result: HealthProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
      // Closed after the turn: a ready answer goes on to the load's reply first.
      setImmediate(() => socket.destroy());
    };
    const onAbort = () => done({ state: 'down', reason: 'aborted' });
    const timer = setTimeout(() => done({ state: 'down', reason: `no answer within ${PROBE_TIMEOUT_MS}ms` }), PROBE_TIMEOUT_MS);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.setEncoding('latin1');
    // Queued until the connection is up, then sent in one write.
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host.includes(':') ? `[${host}]` : host}:${port}\r\nConnection: close\r\n\r\n`);
    socket.on('data', (chunk: string) => {
      head += chunk;
      const status = parseStatusLine(head);
      if (status === 'incomplete' && head.length <= MAX_HEAD_BYTES) return;
      done(typeof status === 'number' ? healthOfStatus(status) : { state: 'down', reason: 'not an HTTP answer' });
    });
    socket.on('end', () => done({ state: 'down', reason: 'connection closed before an answer' }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({ state: 'down', reason: err.code ?? err.message }));
  });
}

/** probeHealthDetail without the reason. */
export async function probeHealth(port: number, path: string, signal?: AbortSignal): Promise<HealthState> {
  return (await probeHealthDetail(port, path, signal)).state;
}
