import type { CommandName } from '../../shared/commands.js';
import { HTTP_ROUTES, fillPath, type HttpCommandName } from '../../shared/http-routes.js';

export interface HttpRequest {
  method: string;
  url: string;
  body: string | undefined;
}

function isHttpCommand(command: CommandName): command is HttpCommandName {
  return command in HTTP_ROUTES;
}

/** Appends query parameters, skipping absent ones; keeps any query the path already has. */
export function withQuery(url: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  if (parts.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/**
 * Builds the request for a command from HTTP_ROUTES, the table the server builds its routes from:
 * `:name` comes from `payload.name`, the rest of the payload is the query string (GET) or the JSON body.
 */
export function buildRequest(baseUrl: string, command: CommandName, payload: object): HttpRequest {
  if (!isHttpCommand(command)) throw new Error(`${command} has no HTTP route`);
  const route = HTTP_ROUTES[command];
  const rest: Record<string, unknown> = { ...payload };
  const params: Record<string, string> = {};
  if (route.path.includes(':name')) {
    params.name = String(rest.name ?? '');
    delete rest.name;
  }
  const url = baseUrl + fillPath(route.path, params);
  if (route.method === 'GET') {
    const query: Record<string, string | number | boolean | undefined> = {};
    for (const [k, v] of Object.entries(rest)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') query[k] = v;
    }
    return { method: 'GET', url: withQuery(url, query), body: undefined };
  }
  return { method: route.method, url, body: JSON.stringify(rest) };
}
