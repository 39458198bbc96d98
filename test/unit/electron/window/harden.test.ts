import { beforeEach, describe, expect, it } from 'vitest';
import * as electron from '../../../fakes/electron.js';
import { EventEmitter } from 'node:events';
import { denyAllPermissions, hardenWebContents, isExternalWebUrl } from '../../../../electron/window/harden.js';

class Contents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
}

function preventable() {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
  return e;
}

function frameNavigation(url: string) {
  const e = { url, prevented: false, preventDefault: () => void (e.prevented = true) };
  return e;
}

describe('hardenWebContents', () => {
  let contents: Contents;
  let opened: string[];
  beforeEach(() => {
    contents = new Contents();
    opened = [];
    hardenWebContents(contents, (url) => opened.push(url), 'app://ui');
  });

  it('blocks navigation away from the app origin', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'not a url']) {
      const e = preventable();
      contents.emit('will-navigate', e, url);
      expect(e.prevented, url).toBe(true);
    }
  });

  it('blocks redirects and frame navigations away from the app origin', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd']) {
      const redirect = preventable();
      contents.emit('will-redirect', redirect, url);
      expect(redirect.prevented, url).toBe(true);
      const frame = frameNavigation(url);
      contents.emit('will-frame-navigate', frame);
      expect(frame.prevented, url).toBe(true);
    }
    const inside = frameNavigation('app://ui/index.html');
    contents.emit('will-frame-navigate', inside);
    expect(inside.prevented).toBe(false);
  });

  it('allows navigation within app://ui', () => {
    const e = preventable();
    contents.emit('will-navigate', e, 'app://ui/index.html#/models');
    expect(e.prevented).toBe(false);
  });

  it('denies every new window and opens only web links in the browser', () => {
    for (const url of ['https://github.com/x', 'http://localhost:11500/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share']) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://github.com/x', 'http://localhost:11500/']);
  });

  it('refuses to attach a webview', () => {
    const e = preventable();
    contents.emit('will-attach-webview', e);
    expect(e.prevented).toBe(true);
  });

  it('classifies external URLs by scheme', () => {
    expect(isExternalWebUrl('HTTPS://example.com')).toBe(true);
    expect(isExternalWebUrl('app://ui/')).toBe(false);
  });
});

describe('denyAllPermissions', () => {
  it('denies every permission request and check', () => {
    const session = electron.session.defaultSession;
    denyAllPermissions(session);
    const granted: boolean[] = [];
    for (const perm of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      session.permissionRequestHandler?.(null, perm, (g) => granted.push(g));
      expect(session.permissionCheckHandler?.(null, perm)).toBe(false);
    }
    expect(granted).toEqual([false, false, false, false]);
  });
});
