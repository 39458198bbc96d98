/**
 * Runtime guards for every web page the app creates (security checklist 5, 11-15): the dashboard never
 * navigates (itself, a frame, or through a redirect) away from its own origin, never opens windows, never gets a permission, never hosts a
 * <webview>. Links to the web open in the user's browser, and only http(s) ones.
 */

/** What `will-navigate` / `will-attach-webview` hand the listener. */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface HardenableContents {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface HardenableSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** True for a URL on the given origin (scheme + host, as `isTrustedSender` compares them). */
export function isSameOrigin(url: string, origin: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === origin;
  } catch {
    return false;
  }
}

/** Only web links leave the app: no file:, smb:, javascript: or custom-scheme handlers of other apps. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: HardenableContents, openExternal: (url: string) => unknown, allowedOrigin = 'app://ui'): void {
  contents.on('will-navigate', (event, url) => {
    if (!isSameOrigin(url, allowedOrigin)) event.preventDefault();
  });
  // `will-navigate` sees neither server redirects nor subframes (an injected iframe navigating itself).
  contents.on('will-redirect', (event, url) => {
    if (!isSameOrigin(url, allowedOrigin)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isSameOrigin(event.url, allowedOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The dashboard needs no camera, notifications, clipboard or geolocation: every request is refused. */
export function denyAllPermissions(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
