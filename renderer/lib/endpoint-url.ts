/**
 * The OpenAI base URL a client should use: this page's own origin when the API serves the dashboard
 * (`loadout serve`, reached by whatever name the user typed), else the API's URL from the snapshot (the
 * desktop app, whose page comes from `app://`). Null until it is known.
 */
export function endpointUrl(pageOrigin: string, apiUrl: string | null): string | null {
  if (/^https?:\/\//.test(pageOrigin)) return `${pageOrigin}/v1`;
  return apiUrl ? `${apiUrl.replace(/\/+$/, '')}/v1` : null;
}
