import { APP_SCHEME, CONTENT_SECURITY_POLICY, mimeTypeFor, resolveRendererFile } from './renderer-files.js';

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/**
 * Must run before `app.ready`. `standard` gives the scheme real origins (so 'self' in the CSP and the
 * IPC sender check mean app://ui), `secure` makes it a secure context like https. No `bypassCSP`, no
 * `corsEnabled`: nothing outside the app may fetch from it.
 */
export function registerAppScheme(protocol: Pick<ProtocolLike, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built dashboard at app://ui/ with the CSP as a header (a <meta> tag can be edited away). */
export function serveRenderer(
  protocol: Pick<ProtocolLike, 'handle'>,
  rendererDir: string,
  readFile: (file: string) => Promise<Uint8Array>,
): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveRendererFile(rendererDir, request.url);
    if (!file) return new Response('Forbidden', { status: 403 });
    let body: Uint8Array;
    try {
      body = await readFile(file);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': mimeTypeFor(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  });
}
