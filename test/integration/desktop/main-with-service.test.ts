import type { MenuItemConstructorOptions } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../shared/http-routes.js';
import type { ModelView } from '../../../shared/model-view.js';
import { alive, FAKE_BACKEND, gone } from '../../helpers/loadout.js';

// The desktop composition root with the REAL engine and HTTP API behind it (only `electron` is a
// fake): a dashboard click over IPC starts a real backend, the tray menu follows, and Quit stops it.

const dir = vi.hoisted(() => ({ path: '' }));
dir.path = mkdtempSync(join(tmpdir(), 'loadout-desktop-'));
const configFile = join(dir.path, 'config.yaml');
writeFileSync(configFile, [
  '# desktop integration',
  'listen: 127.0.0.1:0',
  `state_dir: ${JSON.stringify(join(dir.path, 'state'))}`,
  'watchdog:',
  '  stop_timeout: 2s',
  'models:',
  '  alpha:',
  `    cmd: ${JSON.stringify(`${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_BACKEND)} --port \${PORT} --name alpha`)}`,
  '',
].join('\n'));

vi.mock('../../../electron/engine/config/default-config.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  defaultConfigPath: () => join(dir.path, 'config.yaml'),
}));
vi.mock('../../../electron/engine/platform/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/engine/platform/logger.js')>();
  return { ...real, createLogger: () => real.silentLogger };
});

afterAll(() => rmSync(dir.path, { recursive: true, force: true }));

type Reply = { ok: true; value: ModelView } | { ok: false; error: { code: string } };

describe('desktop app over the real service', () => {
  it('loads a model from the dashboard over IPC, shows it in the tray, and stops it on Quit', async () => {
    process.argv = [...process.argv, '--hidden'];
    const fake = await import('../../fakes/electron.js');
    await import('../../../electron/main.js');
    await vi.waitFor(() => expect(fake.Tray.instances[0]?.menu).toBeTruthy(), { timeout: 10_000 });
    const tray = fake.Tray.instances[0]!;
    const trusted = { senderFrame: { url: 'app://ui/index.html' }, sender: new fake.FakeWebContents() };

    const reply = (await fake.ipcMain.invokeHandler(IPC_CHANNELS.invoke, trusted, 'models.load', { name: 'alpha' })) as Reply;
    expect(reply.ok).toBe(true);
    const pid = reply.ok ? reply.value.pid! : -1;
    expect(alive(pid)).toBe(true);

    const labels = () => ((tray.menu?.template ?? []) as MenuItemConstructorOptions[]).map((i) => i.label);
    await vi.waitFor(() => expect(labels()).toContain('alpha — ready'), { timeout: 5_000 });

    const forged = await fake.ipcMain.invokeHandler(IPC_CHANNELS.invoke, { senderFrame: { url: 'http://evil.example/' }, sender: trusted.sender }, 'models.unload', { name: 'alpha' });
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const quit = (tray.menu!.template as MenuItemConstructorOptions[]).find((i) => i.label === 'Quit Loadout')!;
    (quit.click as () => void)();
    await vi.waitFor(() => expect(fake.app.callsOf('exit')).toEqual([[0]]), { timeout: 10_000 });
    expect(await gone(pid)).toBe(true);
  });
});
