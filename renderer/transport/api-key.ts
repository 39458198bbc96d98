/** The session-scoped API key for the browser dashboard (CONTRACT §2 `api_key`). */
export const API_KEY_STORAGE = 'loadout.apiKey';

export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * A `?key=` in the page URL wins and is remembered for the tab's session (sessionStorage, not
 * localStorage: the key should not outlive the tab on a shared machine). Returns the key and the
 * search string without it, so the caller can drop it from the address bar.
 */
export function resolveApiKey(search: string, storage: KeyStorage | null): { key: string | null; search: string } {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('key');
  if (fromUrl) {
    storage?.setItem(API_KEY_STORAGE, fromUrl);
    params.delete('key');
    const rest = params.toString();
    return { key: fromUrl, search: rest ? `?${rest}` : '' };
  }
  return { key: storage?.getItem(API_KEY_STORAGE) ?? null, search };
}
