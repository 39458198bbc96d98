import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardown, TestDir, TestService } from '../../helpers/loadout.js';

// CONTRACT §2: edits on disk are picked up live; an invalid edit keeps the last good config running.

let dir: TestDir;
let svc: TestService;

beforeAll(async () => {
  dir = new TestDir();
  svc = await TestService.start(dir, { models: { a: {} } });
});

afterAll(async () => {
  const left = await teardown(svc, dir);
  expect(left, 'backend processes that survived the service').toEqual([]);
});

describe('config reload', () => {
  it('reports an invalid edit as config_invalid with file, line and key, and keeps the old models running', async () => {
    const loaded = await svc.load('a');
    expect(loaded.status).toBe(200);
    const good = dir.yaml({ models: { a: {} } });
    // max_active must be a non-negative integer: a wrong value on a known line
    const bad = good.replace('  eviction_retries: 10', '  eviction_retries: 10\n  max_active: lots');
    const line = bad.split('\n').findIndex((l) => l.includes('max_active: lots')) + 1;
    dir.write(bad);
    const invalid = await svc.waitType('config_invalid');
    expect(invalid.message).toContain(dir.configFile);
    expect(invalid.message).toContain(String(line));
    expect(invalid.message).toContain('max_active');
    expect(invalid.data).toMatchObject({ file: dir.configFile, line, key: expect.stringContaining('max_active') });
    const a = await svc.model('a');
    expect(a.state).toBe('ready');
    expect(a.pid).toBe(loaded.json.pid);
    expect((await svc.chat('a')).status).toBe(200);
    expect((await svc.req<{ max_active: number }>('GET', '/api/settings')).json.max_active).toBe(0);
  });

  it('reloads a fixed edit (config_reloaded) and lists a model added on disk', async () => {
    const reloadsBefore = svc.of('config_reloaded').length;
    dir.write({ models: { a: {}, added: { aliases: ['added-alias'] } } });
    await svc.waitEvent((e) => e.type === 'config_reloaded' && svc.of('config_reloaded').indexOf(e) >= reloadsBefore, 8000, 'config_reloaded');
    const list = await svc.req<{ models: { name: string }[] }>('GET', '/api/models');
    expect(list.json.models.map((m) => m.name)).toEqual(['a', 'added']);
    expect((await svc.model('a')).state).toBe('ready'); // untouched by the reload
    expect((await svc.load('added')).status).toBe(200);
  });
});
