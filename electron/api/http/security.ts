import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { LoadoutError } from '../../../shared/errors.js';

export interface SecurityPolicy {
  /** The port the API listens on (Host headers must name it). */
  port: number;
  /** The host from `listen`. */
  listenHost: string;
  apiKey: string | null;
  /** More accepted keys (llama-swap's apiKeys). */
  apiKeys?: string[];
  /** Extra Host names accepted (`allowed_hosts`, lower-case), e.g. `host.docker.internal` for a client in a container. */
  allowedHosts?: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * DNS-rebinding and drive-by protection (CONTRACT §6): the Host must be the listen address, a loopback
 * name or (when the user bound a wildcard address on purpose) an IP literal — never some DNS name that a
 * web page could point at us, unless the user named it in `allowed_hosts`. Browser requests from another origin are refused.
 */
/** What the checks read of a request (node:http's IncomingMessage, or the fast path's head). */
export interface RequestHeaders {
  headers: IncomingHttpHeaders;
}

export function checkHostAndOrigin(req: RequestHeaders, p: SecurityPolicy): LoadoutError | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hostAllowed(host, p)) return new LoadoutError('forbidden', `Host "${host}" is not allowed; use http://127.0.0.1:${p.port}`);
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string;
    try {
      const u = new URL(origin);
      originHost = u.protocol === 'http:' ? u.host.toLowerCase() : '';
    } catch {
      originHost = '';
    }
    if (originHost !== host) return new LoadoutError('forbidden', `cross-origin request from ${origin} refused`);
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') return new LoadoutError('forbidden', 'cross-site request refused');
  return null;
}

/** Per policy, the last Host it allowed: a client sends the same one request after request. */
const lastAllowed = new WeakMap<SecurityPolicy, string>();

function hostAllowed(host: string, p: SecurityPolicy): boolean {
  if (lastAllowed.get(p) === host) return true;
  if (!hostAllowedBy(host, p)) return false;
  lastAllowed.set(p, host);
  return true;
}

function hostAllowedBy(host: string, p: SecurityPolicy): boolean {
  const m = /^(.*):(\d+)$/.exec(host);
  if (!m || Number(m[2]) !== p.port) return false;
  const name = m[1]!;
  const listen = p.listenHost.includes(':') && !p.listenHost.startsWith('[') ? `[${p.listenHost}]` : p.listenHost;
  if (LOOPBACK_NAMES.has(name) || name === listen.toLowerCase() || p.allowedHosts?.includes(name)) return true;
  const wildcard = p.listenHost === '0.0.0.0' || p.listenHost === '::' || p.listenHost === '[::]';
  return wildcard && IP_LITERAL.test(name);
}

/** `Authorization: Bearer <key>`, `x-api-key`, or `?key=` (EventSource cannot send headers). */
export function checkApiKey(req: RequestHeaders, url: URL | null, p: SecurityPolicy): LoadoutError | null {
  const keys = [...(p.apiKey ? [p.apiKey] : []), ...(p.apiKeys ?? [])];
  if (keys.length === 0) return null;
  const auth = req.headers.authorization;
  const given = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : (req.headers['x-api-key'] as string | undefined) ?? url?.searchParams.get('key');
  if (!given) return new LoadoutError('unauthorized', 'an API key is required: send Authorization: Bearer <key>');
  const a = Buffer.from(given);
  const matches = keys.filter((k) => {
    const b = Buffer.from(k);
    return a.length === b.length && timingSafeEqual(a, b);
  });
  return matches.length > 0 ? null : new LoadoutError('unauthorized', 'the API key is not valid');
}
