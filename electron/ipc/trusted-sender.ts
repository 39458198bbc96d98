/**
 * Electron security checklist item 17: validate the sender of every IPC message. Only the dashboard,
 * served from our own `app://ui` origin, may call commands; a frame that navigated elsewhere (an
 * injected iframe, a page reached by a bad link) must not. `senderFrame` is null when the frame is
 * gone or navigated away mid-call, and an unknown sender is an untrusted one.
 */
export function isTrustedSender(frame: { url: string } | null | undefined, allowedOrigin = 'app://ui'): boolean {
  if (!frame) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  // Not `url.origin`: outside Chromium a custom scheme's origin is the string "null", which would also
  // match data: and file: frames. Scheme + host (port included) is the origin without that trap.
  return `${url.protocol}//${url.host}` === allowedOrigin;
}
