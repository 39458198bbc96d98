import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, resolveRendererFile } from '../../../../electron/desktop/renderer-files.js';
import { registerAppScheme, serveRenderer } from '../../../../electron/desktop/renderer-protocol.js';
import { app, protocol, resetElectronFake } from '../../../fakes/electron.js';

const dir = path.resolve('/app/dist/renderer');

describe('resolveRendererFile', () => {
  it('maps app://ui paths into the renderer folder, / to index.html', () => {
    expect(resolveRendererFile(dir, 'app://ui/')).toBe(path.join(dir, 'index.html'));
    expect(resolveRendererFile(dir, 'app://ui/index.html')).toBe(path.join(dir, 'index.html'));
    expect(resolveRendererFile(dir, 'app://ui/assets/app-1a2b.js?v=1#x')).toBe(path.join(dir, 'assets', 'app-1a2b.js'));
    expect(resolveRendererFile(dir, 'app://ui/assets/my%20file.css')).toBe(path.join(dir, 'assets', 'my file.css'));
  });

  it('refuses paths that leave the folder, however they are spelt', () => {
    for (const url of [
      'app://ui/../../etc/passwd',
      'app://ui/%2e%2e/%2e%2e/etc/passwd',
      'app://ui/..%2f..%2fetc%2fpasswd',
      'app://ui/assets/..%2f..%2f..%2fsecret',
      'app://ui/..%5c..%5csecret',
      'app://ui/%00index.html',
      'app://ui/%E0%A4%A',
    ]) {
      const file = resolveRendererFile(dir, url);
      expect(file === null || file.startsWith(dir + path.sep), `${url} → ${file}`).toBe(true);
    }
    expect(resolveRendererFile(dir, 'app://ui/..%2f..%2fetc%2fpasswd')).toBeNull();
  });

  it('serves only its own scheme and host', () => {
    expect(resolveRendererFile(dir, 'app://other/index.html')).toBeNull();
    expect(resolveRendererFile(dir, 'file:///app/dist/renderer/index.html')).toBeNull();
  });
});

describe('serveRenderer', () => {
  beforeEach(() => resetElectronFake());

  // Issue 8: `corsEnabled` contradicted the comment that nothing outside the app may fetch from it.
  it('registers app as a standard, secure scheme that is not open to CORS', () => {
    registerAppScheme(protocol);
    expect(protocol.callsOf('registerSchemesAsPrivileged')).toEqual([[[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]]]);
  });

  it('answers with the file, its type and the strict CSP header', async () => {
    await app.whenReady(); // protocol.handle works only once the app is ready
    const read: string[] = [];
    serveRenderer(protocol, dir, async (file) => (read.push(file), new TextEncoder().encode('<html></html>')));
    const res = await protocol.handlers.get('app')?.(new Request('app://ui/index.html'));
    expect(res?.status).toBe(200);
    expect(res?.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res?.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(await res?.text()).toBe('<html></html>');
    expect(read).toEqual([path.join(dir, 'index.html')]);
  });

  it('answers 403 for traversal and 404 for a missing file', async () => {
    await app.whenReady();
    serveRenderer(protocol, dir, async () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })));
    const handler = protocol.handlers.get('app');
    expect((await handler?.(new Request('app://ui/..%2f..%2fetc%2fpasswd')))?.status).toBe(403);
    expect((await handler?.(new Request('app://ui/missing.js')))?.status).toBe(404);
  });
});
