import { describe, expect, it } from 'vitest';
import type { WatchdogSettingsView } from '../../../shared/settings.js';
import { alive, perTestService } from '../../helpers/loadout.js';

// Watchdog (idle, ttl, busy_timeout), PATCH /api/settings and PUT /api/models/{name}/pinned.

const boot = perTestService();

describe('watchdog', () => {
  it('unloads a model idle longer than idle_timeout with reason idle; pinned models and a longer per-model ttl are exempt', async () => {
    const s = await boot({ models: { a: {}, keep: { pinned: true }, long: { ttl: '1h' } } });
    const a = await s.load('a');
    expect((await s.load('keep')).status).toBe(200);
    expect((await s.load('long')).status).toBe(200);
    const patched = await s.req<WatchdogSettingsView>('PATCH', '/api/settings', { idle_check: true, idle_timeout: '300ms' });
    expect(patched.status).toBe(200);
    expect(patched.json.idle_timeout).toBe('300ms');

    const evicted = await s.waitType('model_evicted', 'a');
    expect(evicted.reason).toBe('idle');
    await s.waitModel('a', (m) => m.state === 'stopped');
    expect(alive(a.json.pid!)).toBe(false);

    const keep = await s.model('keep');
    expect(keep.state).toBe('ready');
    expect(keep.idle_deadline).toBeNull();
    const long = await s.model('long');
    expect(long.state).toBe('ready');
    expect(Date.parse(long.idle_deadline!) - Date.now()).toBeGreaterThan(30 * 60_000);
    expect(s.of('model_evicted').map((e) => e.model)).toEqual(['a']);
  });

  it('a per-model ttl overrides idle_timeout', async () => {
    const s = await boot({ watchdog: { idle_check: true, idle_timeout: '1h' }, models: { brief: { ttl: '300ms' }, other: {} } });
    expect((await s.load('other')).status).toBe(200);
    expect((await s.load('brief')).status).toBe(200);
    expect((await s.waitType('model_evicted', 'brief')).reason).toBe('idle');
    await s.waitModel('brief', (m) => m.state === 'stopped');
    expect((await s.model('other')).state).toBe('ready');
  });

  it('kills a model whose request has been in flight longer than busy_timeout (reason busy_timeout)', async () => {
    const s = await boot({ models: { stuck: { args: '--request-delay 20000' } } });
    const loaded = await s.load('stuck');
    expect((await s.req('PATCH', '/api/settings', { busy_check: true, busy_timeout: '300ms' })).status).toBe(200);
    const chat = s.chat('stuck').catch(() => null);
    const evicted = await s.waitType('model_evicted', 'stuck');
    expect(evicted.reason).toBe('busy_timeout');
    const c = await chat;
    expect(c === null || c.status >= 500).toBe(true);
    await s.waitModel('stuck', (m) => m.state !== 'ready' && m.state !== 'stopping' && m.inflight === 0);
    expect(alive(loaded.json.pid!)).toBe(false);
  });
});

describe('settings', () => {
  it('PATCH /api/settings applies live, persists to the config file keeping comments, and emits settings_changed', async () => {
    const s = await boot({ models: { a: {} } });
    const r = await s.req<WatchdogSettingsView>('PATCH', '/api/settings', { max_active: 3, idle_timeout: '45m' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ max_active: 3, idle_timeout: '45m' });
    expect((await s.req<WatchdogSettingsView>('GET', '/api/settings')).json).toMatchObject({ max_active: 3, idle_timeout: '45m' });
    const changed = await s.waitType('settings_changed');
    expect((changed.data as { changed: string[] }).changed.sort()).toEqual(['idle_timeout', 'max_active']);
    const text = s.dir.readConfig();
    expect(text).toMatch(/^ {2}max_active: 3$/m);
    expect(text).toMatch(/^ {2}idle_timeout: "?45m"?$/m);
    expect(text).toContain('# Loadout test config: these comments must survive write-backs.');
    expect(text).toContain('  # the a model');
    expect(text).toContain('fake:   # the fake llama-server');
  });

  it('refuses a bad PATCH with 400 naming the field and changes nothing', async () => {
    const s = await boot({ models: { a: {} } });
    const before = s.dir.readConfig();
    const cases: [unknown, string][] = [
      [{ idle_timeout: 'soon' }, 'idle_timeout'],
      [{ max_active: -1 }, 'max_active'],
      [{ idle_check: 'yes' }, 'idle_check'],
      [{ bogus_key: 1 }, 'bogus_key'],
    ];
    for (const [body, field] of cases) {
      const r = await s.req<{ error: { code: string; message: string } }>('PATCH', '/api/settings', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.code).toBe('bad_request');
      expect(r.json.error.message).toContain(field);
    }
    expect(s.dir.readConfig()).toBe(before);
    expect(s.of('settings_changed')).toEqual([]);
  });
});

describe('pinning', () => {
  it('PUT /api/models/{name}/pinned persists pinned: true into the file keeping comments, and emits model_pinned', async () => {
    const s = await boot({ models: { a: {}, b: {} } });
    const r = await s.req<{ name: string; pinned: boolean }>('PUT', '/api/models/a/pinned', { pinned: true });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'a', pinned: true });
    expect((await s.model('a')).pinned).toBe(true);
    expect((await s.waitType('model_pinned', 'a')).model).toBe('a');
    const text = s.dir.readConfig();
    const aBlock = text.slice(text.indexOf('  a:\n'), text.indexOf('  # the b model'));
    expect(aBlock).toMatch(/^ {4}pinned: true/m);
    expect(text.slice(text.indexOf('  b:\n'))).not.toContain('pinned');
    expect(text).toContain('# Loadout test config: these comments must survive write-backs.');
    expect(text).toContain('  # the b model');

    const un = await s.req<{ pinned: boolean }>('PUT', '/api/models/a/pinned', { pinned: false });
    expect(un.json.pinned).toBe(false);
    await s.waitType('model_unpinned', 'a');
    expect(s.dir.readConfig()).toMatch(/^ {4}pinned: false/m);

    const bad = await s.req<{ error: { message: string } }>('PUT', '/api/models/a/pinned', { pinned: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('pinned');
    expect((await s.req('PUT', '/api/models/nope/pinned', { pinned: true })).status).toBe(404);
  });
});
