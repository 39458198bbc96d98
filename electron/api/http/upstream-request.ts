/** Never passed between the client and a backend: connection-level headers and credentials. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'expect', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length',
  // Loadout's API key (and any other credential) stays with Loadout: backends log what they receive,
  // and their logs are served by the API (issue 8).
  'authorization', 'x-api-key', 'api-key', 'cookie',
]);

/** Query parameters that carry Loadout's API key (`?key=` for EventSource clients). */
const CREDENTIAL_PARAMS = ['key'];

export function forwardHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !NOT_FORWARDED.has(k)) out[k] = v;
  return out;
}

/** The path and query sent to the backend: the client's, without Loadout's credentials. */
export function upstreamPath(url: URL): string {
  const params = new URLSearchParams(url.search);
  for (const p of CREDENTIAL_PARAMS) params.delete(p);
  const query = params.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}
