import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../../electron/ipc/trusted-sender.js';

describe('isTrustedSender', () => {
  it('trusts frames on the app origin', () => {
    expect(isTrustedSender({ url: 'app://ui/index.html' })).toBe(true);
    expect(isTrustedSender({ url: 'app://ui/' })).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/' }, 'http://localhost:5173')).toBe(true);
  });

  it('treats a missing frame as untrusted', () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });

  it('rejects other origins, look-alikes and unparsable URLs', () => {
    for (const url of ['http://evil.example/', 'app://ui.evil/', 'app://evil/ui', 'file:///app/index.html', 'data:text/html,x', 'about:blank', '', 'app:ui']) {
      expect(isTrustedSender({ url }), url).toBe(false);
    }
    expect(isTrustedSender({ url: 'http://localhost:5174/' }, 'http://localhost:5173')).toBe(false);
  });
});
