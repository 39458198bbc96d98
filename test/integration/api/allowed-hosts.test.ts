import { describe, expect, it } from 'vitest';
import { perTestService } from '../../helpers/loadout.js';

// Issue 10 item 6: a client in a container reaches the host as host.docker.internal; allowed_hosts
// lets it through the Host check, and a reload applies it without a restart.

const boot = perTestService();

describe('allowed_hosts', () => {
  it('accepts a Host named in allowed_hosts once the config reloads, and refuses it again when removed', async () => {
    const s = await boot({ models: { a: {} } });
    const host = `host.docker.internal:${new URL(s.url).port}`;
    const status = async () => (await s.req('GET', '/v1/models', undefined, { host })).status;
    expect(await status()).toBe(403);

    const base = s.dir.yaml({ models: { a: {} } });
    s.dir.write(`${base}allowed_hosts: [host.docker.internal]   # Open WebUI in Docker\n`);
    await s.waitEvent((e) => e.type === 'config_reloaded', 8000, 'config_reloaded');
    expect(await status()).toBe(200);
    expect((await s.req('GET', '/api/models', undefined, { host: `other.internal:${new URL(s.url).port}` })).status).toBe(403);

    const reloads = s.of('config_reloaded').length;
    s.dir.write(base);
    await s.waitEvent((e) => e.type === 'config_reloaded' && s.of('config_reloaded').indexOf(e) >= reloads, 8000, 'second config_reloaded');
    expect(await status()).toBe(403);
  });
});
