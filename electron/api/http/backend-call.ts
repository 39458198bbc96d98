import { request as httpRequest, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { LoadoutError } from '../../../shared/errors.js';
import type { Engine, Lease } from '../../engine/engine.js';
import type { ModelSlot } from '../../engine/model-slot.js';

export interface BackendRequest {
  method: 'GET' | 'POST';
  path: string;
  body: Record<string, unknown>;
}

export interface BackendAnswer {
  upstream: IncomingMessage;
  lease: Lease;
  /** How long the model took to become available (a load, or waiting for room). */
  waitedMs: number;
}

/**
 * One JSON request to a model's backend on behalf of a client, for faces that translate (the Ollama
 * API) rather than pass bytes through (the OpenAI router). The model is leased through the same
 * admission as every other request and counts as in flight until the client's response closes; a
 * client that goes away aborts the upstream request. As with the router, a backend that fails before
 * answering is probed, and a broken one recycled and the request tried once more on a fresh instance.
 * Null when the client left before an answer.
 */
export async function callBackend(engine: Engine, agent: Agent, slot: ModelSlot, res: ServerResponse, r: BackendRequest): Promise<BackendAnswer | null> {
  const started = performance.now();
  let clientGone = false;
  res.on('close', () => (clientGone = true));
  for (let attempt = 1; ; attempt++) {
    const lease = await engine.acquire(slot, 'request');
    if (clientGone) {
      lease.release('failed');
      return null;
    }
    const waitedMs = performance.now() - started;
    const sent = await send(lease, agent, res, r, slot.config.responseTimeoutMs);
    if (sent instanceof Error) {
      const retry = attempt === 1 && !clientGone && (await engine.recycleIfBroken(lease, sent.message));
      lease.release('failed');
      if (clientGone) return null;
      if (retry) continue;
      const tail = slot.lastError?.log_tail ?? [];
      const code = lease.instance.recycled ? 'unhealthy' : sent instanceof UpstreamTimeout ? 'upstream_timeout' : 'backend_error';
      throw new LoadoutError(code, `${lease.model} backend failed during the request: ${sent.message}`, { log_tail: tail });
    }
    // From here the answer belongs to the caller; the lease ends with the client's response.
    res.on('close', () => {
      if (!res.writableFinished) sent.destroy();
      const failed = (sent.statusCode ?? 502) >= 500 || !sent.complete || !res.writableFinished;
      lease.release(failed ? 'failed' : 'ok');
    });
    return { upstream: sent, lease, waitedMs };
  }
}

class UpstreamTimeout extends Error {}

/** Sends the request; the answer once its headers arrive, or the error (or `response_timeout`) that came first. */
function send(lease: Lease, agent: Agent, res: ServerResponse, r: BackendRequest, responseTimeoutMs: number | null): Promise<IncomingMessage | Error> {
  const payload = JSON.stringify(r.body);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const upstream = httpRequest({
      host: '127.0.0.1',
      port: lease.instance.port,
      method: r.method,
      path: r.path,
      agent,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), accept: 'application/json, text/event-stream' },
    });
    const onClientClose = () => upstream.destroy();
    res.once('close', onClientClose);
    if (responseTimeoutMs) timer = setTimeout(() => upstream.destroy(new UpstreamTimeout(`no response within response_timeout ${responseTimeoutMs / 1000}s`)), responseTimeoutMs);
    const settle = (v: IncomingMessage | Error) => {
      if (timer) clearTimeout(timer);
      res.off('close', onClientClose);
      resolve(v);
    };
    upstream.on('response', settle);
    upstream.on('error', settle);
    upstream.end(payload);
  });
}

/** The whole upstream body as text. */
export function readUpstream(up: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    up.on('data', (c: Buffer) => parts.push(c));
    up.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    up.on('error', reject);
  });
}

/** The whole upstream body as JSON; a backend that answers something else fails the request (502). */
export async function readUpstreamJson<T>(up: IncomingMessage, model: string): Promise<T> {
  const text = await readUpstream(up);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new LoadoutError('backend_error', `${model} backend answered with something that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** The message of an OpenAI-shaped (or any) error body from a backend. */
export function upstreamErrorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const e = body.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 500) || `backend answered ${status}`;
}
