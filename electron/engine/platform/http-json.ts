// JSON over node:http, shared by Loadout's API and the backends that serve HTTP themselves (the
// built-in backend, the gRPC bridge): answers, OpenAI-shaped errors, request bodies with a size limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoadoutError, isLoadoutError } from '../../../shared/errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, jsonHeaders(text, headers));
  res.end(text);
}

/** The headers of a JSON answer, whichever way it is written. */
export function jsonHeaders(text: string, headers: Record<string, string> = {}): Record<string, string | number> {
  return { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers };
}

/** Expected failures become their status and OpenAI-shaped body; anything else is a bug: 500. */
export function errorAnswer(err: unknown): { error: LoadoutError; status: number; body: unknown; headers: Record<string, string> } {
  const e = isLoadoutError(err) ? err : new LoadoutError('internal', err instanceof Error ? err.message : String(err));
  return { error: e, status: e.status, body: e.toBody(), headers: errorHeaders(e) };
}

/** An error as the answer (a response already started cannot carry it: it is cut instead). */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const a = errorAnswer(err);
  sendJson(res, a.status, a.body, a.headers);
}

/** `Retry-After` for refusals that waiting solves (503). */
export function errorHeaders(e: LoadoutError): Record<string, string> {
  if (e.details.retry_after_s !== undefined) return { 'retry-after': String(e.details.retry_after_s) };
  return e.status === 503 ? { 'retry-after': '1' } : {};
}

/** Bodies of OpenAI requests (`/v1`): audio uploads are the largest. */
export const MAX_V1_BODY = 64 * 1024 * 1024;
/**
 * The whole body, or a 413 `payload_too_large` once it passes `limit`. The rest of an oversized body
 * is read and dropped (not kept) before the error is answered: answering and closing while the client
 * still sends makes the kernel reset the connection, and the client sees ECONNRESET instead of the
 * JSON error (issue 8).
 */
export function readBody(req: IncomingMessage, limit = MAX_V1_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (tooLarge) return;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) reject(new LoadoutError('payload_too_large', `the request body is larger than ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** The body as JSON (empty: `{}`); not JSON is a 400 `bad_request`, over `limit` a 413. */
export async function readJson(req: IncomingMessage, limit = MAX_V1_BODY): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new LoadoutError('bad_request', 'the request body is not valid JSON');
  }
}
