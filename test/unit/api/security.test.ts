import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkHostAndOrigin, type SecurityPolicy } from '../../../electron/api/http/security.js';

const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const policy = (o: Partial<SecurityPolicy> = {}): SecurityPolicy => ({ port: 11500, listenHost: '127.0.0.1', apiKey: null, ...o });
const verdict = (host: string, p: SecurityPolicy): string | null => checkHostAndOrigin(request({ host }), p)?.code ?? null;

describe('the Host check', () => {
  it('accepts a name from allowed_hosts on the listen port, in any case', () => {
    const p = policy({ allowedHosts: ['host.docker.internal'] });
    expect(verdict('host.docker.internal:11500', p)).toBeNull();
    expect(verdict('HOST.docker.internal:11500', p)).toBeNull();
  });

  it('refuses an allowed name on another port, and names not on the list', () => {
    const p = policy({ allowedHosts: ['host.docker.internal'] });
    expect(verdict('host.docker.internal:8080', p)).toBe('forbidden');
    expect(verdict('evil.example:11500', p)).toBe('forbidden');
    expect(verdict('host.docker.internal:11500', policy())).toBe('forbidden');
  });

  it('still refuses a cross-origin browser request that sends an allowed Host', () => {
    const p = policy({ allowedHosts: ['host.docker.internal'] });
    const req = request({ host: 'host.docker.internal:11500', origin: 'http://evil.example' });
    expect(checkHostAndOrigin(req, p)?.code).toBe('forbidden');
  });
});
