import { API_KEY_STORAGE, type KeyStorage } from '../../transport/api-key.js';
import { ipcTryFetch, type TryBridge } from './ipc-fetch.js';

export interface TryEndpoint {
  /** `/v1/chat/completions` on the API that serves this page: the endpoint every client uses. */
  url: string;
  apiKey: string | null;
  /** How the request is sent when not by the page's own `fetch` (the desktop window: through main). */
  fetch?: typeof fetch;
}

/**
 * Where the prompt box sends its request. A page served by the API (`loadout serve`, or a browser on
 * the desktop app's server) posts to its own origin. The desktop window's `app://` page cannot reach
 * the API directly (its CSP and the API's origin check refuse it): its requests go through main, which
 * sends them to the same endpoint with the key. Null when neither is possible.
 */
export function tryEndpoint(pageOrigin: string, bridge: Partial<TryBridge> | undefined, storage: Pick<KeyStorage, 'getItem'> | null): TryEndpoint | null {
  if (bridge?.desktop && bridge.onEvent) return { url: '/v1/chat/completions', apiKey: null, fetch: ipcTryFetch(bridge as TryBridge) };
  if (bridge || !/^https?:\/\//.test(pageOrigin)) return null;
  return { url: `${pageOrigin}/v1/chat/completions`, apiKey: storage?.getItem(API_KEY_STORAGE) ?? null };
}
