import { describe, expect, it } from 'vitest';
import { endpointUrl } from '../../../renderer/lib/endpoint-url.js';

describe('endpointUrl', () => {
  it('is the page origin + /v1 when the API serves the page, whatever name the user typed', () => {
    expect(endpointUrl('http://192.168.1.20:11500', 'http://127.0.0.1:11500')).toBe('http://192.168.1.20:11500/v1');
    expect(endpointUrl('https://box.lan', null)).toBe('https://box.lan/v1');
  });

  it("is the API's URL + /v1 in the desktop app, and unknown until the snapshot names it", () => {
    expect(endpointUrl('app://ui', 'http://127.0.0.1:11500/')).toBe('http://127.0.0.1:11500/v1');
    expect(endpointUrl('app://ui', null)).toBeNull();
  });
});
