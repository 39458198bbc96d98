import { API_KEY_STORAGE, type KeyStorage } from '../../transport/api-key.js';

export interface TryEndpoint {
  /** `/v1/chat/completions` on the API that serves this page: the endpoint every client uses. */
  url: string;
  apiKey: string | null;
}

/**
 * Where the prompt box sends its request. A page served by the API (`loadout serve`, or the desktop
 * app's window on the same server) posts to its own origin; the desktop window's `app://` page cannot
 * reach the API directly (its CSP and the API's origin check refuse it), so there it returns null.
 */
export function tryEndpoint(pageOrigin: string, desktop: boolean, storage: Pick<KeyStorage, 'getItem'> | null): TryEndpoint | null {
  if (desktop || !/^https?:\/\//.test(pageOrigin)) return null;
  return { url: `${pageOrigin}/v1/chat/completions`, apiKey: storage?.getItem(API_KEY_STORAGE) ?? null };
}
