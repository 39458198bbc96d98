import type { PreloadApi } from '../../shared/bridge.js';
import { resolveApiKey } from './api-key.js';
import { createHttpTransport } from './http-transport.js';
import { createIpcTransport } from './ipc-transport.js';
import type { Transport } from './transport.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    loadout?: PreloadApi;
  }
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be blocked (privacy settings, sandboxed frames); the key then lasts for this page only.
    return null;
  }
}

/** Electron gives us a preload bridge; a browser pointed at `loadout serve` gets HTTP + SSE. */
export function pickTransport(): Transport {
  const warn = (e: Error): void => console.warn(`[loadout] ${e.message}`);
  if (window.loadout) return createIpcTransport(window.loadout, warn);

  const { key, search } = resolveApiKey(window.location.search, sessionStore());
  if (search !== window.location.search) {
    // Keep the key out of the address bar, history and screenshots.
    window.history.replaceState(null, '', `${window.location.pathname}${search}${window.location.hash}`);
  }
  return createHttpTransport({
    baseUrl: '',
    apiKey: key,
    fetch: (url, init) => window.fetch(url, init),
    createEventSource: (url) => new EventSource(url),
    timers: { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) },
    onProtocolError: warn,
  });
}
