import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigWatcher } from '../../../electron/engine/config/config-watcher.js';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { ConfigResult } from '../../../electron/engine/config/types.js';
import { writePinned } from '../../../electron/engine/config/write-back.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();
const GOOD = 'models:\n  m:\n    cmd: srv --port ${PORT}\n    ttl: 5m\n';
const load = (file: string) => loadConfig(file, { homeDir: '/home/user', env: {} });

/** Results in arrival order; `next()` resolves with the next one reported (no polling, no sleeps). */
function recorder() {
  const seen: ConfigResult[] = [];
  const waiters: ((r: ConfigResult) => void)[] = [];
  let taken = 0;
  return {
    seen,
    onChange(r: ConfigResult) {
      seen.push(r);
      const w = waiters.shift();
      if (w) {
        taken++;
        w(r);
      }
    },
    next(): Promise<ConfigResult> {
      if (taken < seen.length) return Promise.resolve(seen[taken++] as ConfigResult);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** Saves the way editors do (temp file + rename), so a reload never reads a half-written file. */
async function save(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

const watchers: ConfigWatcher[] = [];
afterEach(() => {
  watchers.splice(0).forEach((w) => w.dispose());
});

async function startWatcher(file: string, modelsDir: string | null = null) {
  const rec = recorder();
  const watcher = new ConfigWatcher(file, { load, onChange: (r) => rec.onChange(r), debounceMs: 20, modelsDir });
  watchers.push(watcher);
  await watcher.start();
  return { rec, watcher };
}

function ok(r: ConfigResult) {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.config;
}

describe('ConfigWatcher', () => {
  it('reports a valid edit, then an invalid one with line and key, then the fix', async () => {
    const file = await tmp.write('config.yaml', GOOD);
    const { rec } = await startWatcher(file);

    await save(file, GOOD.replace('ttl: 5m', 'ttl: 7m'));
    expect(ok(await rec.next()).models[0]?.ttlMs).toBe(420_000);

    await save(file, GOOD.replace('ttl: 5m', 'ttl: soon'));
    const bad = await rec.next();
    expect(!bad.ok && bad.error).toMatchObject({ file, line: 4, column: 10, key: 'models.m.ttl' });

    await save(file, GOOD);
    expect(ok(await rec.next()).models[0]?.ttlMs).toBe(300_000);
  });

  it('keeps watching across atomic rename-saves such as its own write-back', async () => {
    const file = await tmp.write('config.yaml', GOOD);
    const { rec } = await startWatcher(file);
    const m = ok(await load(file)).models[0];
    if (!m) throw new Error('no model');

    await writePinned(m, true);
    expect(ok(await rec.next()).models[0]?.pinned).toBe(true);
    await writePinned(m, false);
    expect(ok(await rec.next()).models[0]?.pinned).toBe(false);
  });

  it('does not report content it has already reported', async () => {
    const file = await tmp.write('config.yaml', GOOD);
    const { rec, watcher } = await startWatcher(file);
    expect(await watcher.refresh()).toBe(false);

    await save(file, GOOD.replace('5m', '6m'));
    await rec.next();
    const count = rec.seen.length;
    await save(file, GOOD.replace('5m', '6m'));
    expect(await watcher.refresh()).toBe(false);
    expect(rec.seen.length).toBe(count);
  });

  it('reloads when a models_dir file changes, and follows models_dir from the config', async () => {
    const models = path.join(tmp.dir(), 'models');
    await mkdir(models);
    const file = await tmp.write('config.yaml', GOOD);
    const { rec } = await startWatcher(file);

    await save(file, `models_dir: models\n${GOOD}`);
    expect(ok(await rec.next()).modelsDir).toBe(models);

    await save(path.join(models, 'x.yaml'), 'name: x\nparameters:\n  model: x.gguf\n');
    expect(ok(await rec.next()).models.map((m) => m.name)).toEqual(['m', 'x']);

    await save(path.join(models, 'x.yaml'), 'name: x\ncontext_size: big\n');
    const bad = await rec.next();
    expect(!bad.ok && bad.error).toMatchObject({ file: path.join(models, 'x.yaml'), line: 2, key: 'context_size' });
  });

  // Issue 8: the contract promises live reload, and a dotfiles-managed config is often a symlink.
  it('reloads when the target of a symlinked config is edited, and follows a re-pointed link', async () => {
    const real = await tmp.write('dotfiles/loadout.yaml', GOOD);
    const other = await tmp.write('elsewhere/loadout.yaml', GOOD.replace('5m', '2m'));
    const file = path.join(tmp.dir(), 'config', 'config.yaml');
    await mkdir(path.dirname(file));
    await symlink(real, file);
    const { rec } = await startWatcher(file);

    await save(real, GOOD.replace('5m', '7m'));
    expect(ok(await rec.next()).models[0]?.ttlMs).toBe(420_000);

    // Re-point the link atomically, the way dotfile managers do.
    await symlink(other, `${file}.new`);
    await rename(`${file}.new`, file);
    expect(ok(await rec.next()).models[0]?.ttlMs).toBe(120_000);

    await save(other, GOOD.replace('5m', '3m'));
    expect(ok(await rec.next()).models[0]?.ttlMs).toBe(180_000);
  });

  it('reports nothing after dispose', async () => {
    const file = await tmp.write('config.yaml', GOOD);
    const { rec, watcher } = await startWatcher(file);
    watcher.dispose();
    await save(file, GOOD.replace('5m', '9m'));
    expect(await watcher.refresh()).toBe(false);
    expect(rec.seen).toEqual([]);
  });
});
