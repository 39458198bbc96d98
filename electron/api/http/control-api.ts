import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { commandSchemas, type CommandHandlers, type CommandName } from '../../../shared/commands.js';
import { LoadoutError } from '../../../shared/errors.js';
import { HTTP_ROUTES, type HttpCommandName } from '../../../shared/http-routes.js';
import { readJson, sendJson } from './respond.js';

interface CompiledRoute {
  command: HttpCommandName;
  method: string;
  pattern: RegExp;
  params: string[];
}

const ROUTES: CompiledRoute[] = (Object.entries(HTTP_ROUTES) as [HttpCommandName, (typeof HTTP_ROUTES)[HttpCommandName]][]).map(([command, r]) => {
  const params: string[] = [];
  const source = r.path.replace(/:([a-z]+)/g, (_, p: string) => {
    params.push(p);
    return '([^/]+)';
  });
  return { command, method: r.method, pattern: new RegExp(`^${source}$`), params };
});

/** A percent-decoded path segment; malformed escapes are the client's error (400), not ours (500). */
export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new LoadoutError('bad_request', `malformed percent-encoding in the path: "${raw}"`);
  }
}

/** Names the first offending field of a failed schema parse: `pinned: expected boolean`. */
export function describeIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)');
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  return { field, message: `${field}: ${message}` };
}

export function parsePayload<C extends CommandName>(command: C, raw: unknown): z.output<(typeof commandSchemas)[C]> {
  const parsed = commandSchemas[command].safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new LoadoutError('bad_request', message, { field });
  }
  return parsed.data as z.output<(typeof commandSchemas)[C]>;
}

/** Serves the control API from the shared route table; returns false when no route matches. */
export async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, handlers: CommandHandlers): Promise<boolean> {
  let allowed: string[] = [];
  for (const route of ROUTES) {
    const m = route.pattern.exec(url.pathname);
    if (!m) continue;
    if (route.method !== req.method) {
      allowed.push(route.method);
      continue;
    }
    allowed = [];
    const params: Record<string, string> = {};
    route.params.forEach((p, i) => (params[p] = decodeSegment(m[i + 1]!)));
    let raw: Record<string, unknown>;
    if (req.method === 'GET') {
      const query = Object.fromEntries(url.searchParams);
      delete query.key; // the API key may travel in the query for streams
      raw = { ...query, ...params };
    } else {
      const body = await readJson(req);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new LoadoutError('bad_request', '(body): expected a JSON object', { field: '(body)' });
      raw = { ...(body as Record<string, unknown>), ...params };
    }
    const payload = parsePayload(route.command, raw);
    const handler = handlers[route.command] as (p: unknown, ctx: { origin: 'api' }) => Promise<unknown>;
    sendJson(res, 200, await handler(payload, { origin: 'api' }));
    return true;
  }
  if (allowed.length) {
    sendJson(res, 405, new LoadoutError('bad_request', `method ${req.method} not allowed here; use ${allowed.join(', ')}`).toBody(), { allow: allowed.join(', ') });
    return true;
  }
  return false;
}
