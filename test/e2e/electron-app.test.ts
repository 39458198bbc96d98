// The desktop app itself, through Playwright's Electron support. It needs the real Electron binary,
// which the first `npm start` (or `npx install-electron`) downloads, not `npm install`; where it is
// absent this file is skipped and the shell is covered by the unit tests against the fake `electron` module.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAKE_BACKEND = join(REPO_ROOT, 'test', 'fixtures', 'fake-backend.mjs');

function electronBinary(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('electron/package.json');
    const dir = join(pkg, '..');
    if (!existsSync(join(dir, 'path.txt'))) return null;
    // The electron package's main export is the binary's path.
    return createRequire(import.meta.url)('electron') as unknown as string;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const built = existsSync(join(REPO_ROOT, 'dist', 'electron', 'main.js')) && existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html'));

describe.skipIf(!binary || !built)('desktop app (Electron)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadout-electron-'));
  let app: ElectronApplication | null = null;

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the dashboard over IPC, loads a model by click and stops its backend on quit', async () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, [
      '# desktop e2e',
      'listen: 127.0.0.1:0',
      `state_dir: ${JSON.stringify(join(dir, 'state'))}`,
      'models:',
      '  alpha:',
      `    cmd: ${JSON.stringify(`${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_BACKEND)} --port \${PORT} --name alpha`)}`,
      '',
    ].join('\n'));
    app = await _electron.launch({ executablePath: binary!, args: [REPO_ROOT], env: { ...process.env, LOADOUT_CONFIG: config } as Record<string, string> });
    const page = await app.firstWindow();
    await page.getByRole('button', { name: 'Load alpha' }).click();
    await page.getByRole('button', { name: 'Unload alpha' }).waitFor();
    const hasBridge = await page.evaluate(() => typeof (globalThis as unknown as { loadout?: object }).loadout === 'object');
    expect(hasBridge).toBe(true);
    const pidText = await page.getByText(/pid \d+/).first().textContent();
    const pid = Number(/pid (\d+)/.exec(pidText ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await app.waitForEvent('close');
    app = null;
    expect(existsSync(`/proc/${pid}`) ? 'alive' : 'gone').toBe('gone');
  });
});
