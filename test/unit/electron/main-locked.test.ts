import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { currentProcess } from '../../../electron/engine/supervisor/process-identity.js';
import { LOCK_FILE } from '../../../electron/engine/supervisor/state-lock.js';

/** Importing main's graph can take seconds on a busy machine: wait on the condition, not a 1 s default. */
const UNTIL = { timeout: 20_000, interval: 20 };

// Issue 8: the desktop app uses the same service start as `loadout serve`, so it refuses a state dir
// held by a running Loadout the same way, and says so in an error box instead of reaping its backends.

const paths = vi.hoisted(() => ({ dir: '', config: '' }));
paths.dir = mkdtempSync(join(tmpdir(), 'loadout-main-locked-'));
paths.config = join(paths.dir, 'config.yaml');
const stateDir = join(paths.dir, 'state');
writeFileSync(paths.config, `state_dir: ${JSON.stringify(stateDir)}\nmodels: {}\n`);

vi.mock('../../../electron/engine/config/default-config.js', () => ({
  defaultConfigPath: () => paths.config,
  ensureConfigFile: async () => false,
}));

vi.mock('../../../electron/engine/platform/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/engine/platform/logger.js')>();
  return { ...real, createLogger: () => real.silentLogger };
});

afterAll(() => rmSync(paths.dir, { recursive: true, force: true }));

describe('main with a state dir held by another Loadout', () => {
  it('shows who holds it and exits 1 without starting anything', async () => {
    mkdirSync(stateDir, { recursive: true });
    // A running Loadout (this very process stands in for it) holds the lock.
    writeFileSync(join(stateDir, LOCK_FILE), JSON.stringify({ ...currentProcess(), url: 'http://127.0.0.1:11500', startedAt: '2026-11-30T00:00:00.000Z' }));
    const fake = await import('../../fakes/electron.js');
    await import('../../../electron/main.js');
    await vi.waitFor(() => expect(fake.app.callsOf('exit')).toEqual([[1]]), UNTIL);
    expect(fake.dialog.errors).toHaveLength(1);
    const [title, message] = fake.dialog.errors[0]!;
    expect(title).toBe('Loadout could not start');
    expect(message).toContain(`pid ${process.pid}`);
    expect(message).toContain('listening on http://127.0.0.1:11500');
    expect(message).toContain('`loadout ps`');
    expect(fake.Tray.instances).toHaveLength(0);
  });
});
