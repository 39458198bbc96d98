import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { LoadoutError } from '../../../shared/errors.js';
import type { Lease } from '../../engine/engine.js';
import type { ModelSlot } from '../../engine/model-slot.js';
import type { OpenAiRouter } from './openai-router.js';
import { AnswerReader } from './upstream/answer-reader.js';

export interface BackendRequest {
  method: 'GET' | 'POST';
  path: string;
  body: Record<string, unknown>;
}

export interface BackendAnswer {
  upstream: AnswerReader;
  lease: Lease;
  /** How long the model took to become available (a load, or waiting for room). */
  waitedMs: number;
}

const JSON_REQUEST_HEADERS = 'content-type: application/json\r\naccept: application/json, text/event-stream\r\n';

/**
 * One JSON request to a model's backend on behalf of a client, for faces that translate (the Ollama
 * API) rather than pass bytes through: the OpenAI router's own attempts, so the same admission, the
 * same probe and retry on a fresh instance of a broken backend, and the same errors (exit code and
 * last log lines of a backend that died). The model is in flight until the client's response closes;
 * a client that goes away aborts the upstream request. Null when the client left before an answer.
 */
export function callBackend(router: OpenAiRouter, slot: ModelSlot, res: ServerResponse, r: BackendRequest): Promise<BackendAnswer | null> {
  const started = performance.now();
  let clientGone = res.destroyed;
  res.on('close', () => (clientGone = true));
  const request = { method: r.method, path: r.path, headerBlock: JSON_REQUEST_HEADERS, body: Buffer.from(JSON.stringify(r.body)), responseTimeoutMs: slot.config.responseTimeoutMs };
  return new Promise((resolve, reject) => {
    router.attempts(slot, request, {
      gone: () => clientGone,
      acquire: () => router.engine.acquire(slot, 'request'),
      relay: (lease, settle) => {
        const waitedMs = performance.now() - started;
        const reader = new AnswerReader(res, lease, (err) => {
          settle(err);
          if (!err) resolve({ upstream: reader, lease, waitedMs });
        });
        return reader;
      },
      fail: reject,
      over: () => resolve(null),
    });
  });
}

/** The whole upstream body as text. */
export function readUpstream(up: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    up.on('data', (c: Buffer) => parts.push(c));
    up.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    up.on('error', reject);
  });
}

/** The whole upstream body as JSON; a backend that answers something else fails the request (502). */
export async function readUpstreamJson<T>(up: Readable, model: string): Promise<T> {
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
