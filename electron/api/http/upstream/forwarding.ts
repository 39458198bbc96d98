/** Never passed between the client and a backend: connection-level headers and credentials. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'expect', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length',
  // Loadout's API key (and any other credential) stays with Loadout: backends log what they receive,
  // and their logs are served by the API (issue 8).
  'authorization', 'x-api-key', 'api-key', 'cookie',
]);

/** Query parameters that carry Loadout's API key (`?key=` for EventSource clients). */
const CREDENTIAL_PARAMS = ['key'];

export const forwarded = (name: string): boolean => !NOT_FORWARDED.has(name.toLowerCase());

/** The request's header lines for the backend, from a flat [name, value, ...] list as received. */
export function forwardedHeaderBlock(raw: readonly string[]): string {
  let block = '';
  for (let i = 0; i + 1 < raw.length; i += 2) if (forwarded(raw[i]!)) block += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return block;
}

/** A backend's response headers for a node:http response (which frames the body itself). */
export function forwardedResponseHeaders(lines: ReadonlyArray<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of lines) {
    if (!forwarded(name)) continue;
    const key = name.toLowerCase();
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** The path and query sent to the backend: the client's (or `path` with its query), without Loadout's credentials. */
export function upstreamPath(url: URL, path = url.pathname): string {
  const params = new URLSearchParams(url.search);
  for (const p of CREDENTIAL_PARAMS) params.delete(p);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
