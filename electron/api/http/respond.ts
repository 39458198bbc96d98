import type { IncomingMessage } from 'node:http';
import { readJson as readJsonBody } from '../../engine/platform/http-json.js';

export { errorHeaders, MAX_V1_BODY, readBody, sendError, sendJson } from '../../engine/platform/http-json.js';

/** Bodies of control requests (`/api`): small JSON objects. */
export const MAX_API_BODY = 1024 * 1024;

/** A control request's JSON body (at most `MAX_API_BODY`). */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, MAX_API_BODY);
}
