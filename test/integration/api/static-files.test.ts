import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../../electron/api/http/static-files.js';

// The dashboard files as `loadout serve` sends them; the root is given with a trailing separator on
// purpose (that is how the CLI resolves it from a URL).
const root = mkdtempSync(join(tmpdir(), 'loadout-static-'));
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Loadout</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
  server = createServer((req, res) => serveStatic(res, root + sep, new URL(req.url!, 'http://x').pathname));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe('dashboard files', () => {
  it('serves an asset as itself, with its type and the CSP', async () => {
    const res = await fetch(`${base}/assets/app.js`);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toBe('console.log(1)');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers unknown paths with index.html (client-side routes)', async () => {
    const res = await fetch(`${base}/models/qwen`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>Loadout</title>');
  });

  it('never leaves its folder, however the path is encoded', async () => {
    for (const path of ['/../outside-secret.txt', '/..%2foutside-secret.txt', '/%2e%2e/outside-secret.txt', '/assets/..%2f..%2foutside-secret.txt']) {
      const text = await (await fetch(base + path)).text();
      expect(text, path).not.toContain('secret');
    }
  });
});
