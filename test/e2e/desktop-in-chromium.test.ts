// The closest proof of the desktop app without the Electron binary: main's real composition root
// (service, IPC handlers, tray controller) runs in this process on the fake `electron` module; the real
// preload and the real built dashboard run in Chromium, connected through Playwright bindings
// (test/e2e/desktop-bridge.ts). Driven as a user would: load from the dashboard, pin it, watch the
// tray follow, quit from the tray, and nothing is left running.
import type { MenuItemConstructorOptions } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { llamaMetadata, writeGguf } from '../helpers/gguf-writer.js';
import { alive, gone, taggedPids, TestDir } from '../helpers/loadout.js';
import { attachRenderer } from './desktop-bridge.js';
import { RENDERER_DIR, REPO_ROOT, waitForText, waitUntil, WAIT_MS } from './harness.js';

vi.mock('../../electron/engine/platform/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/engine/platform/logger.js')>();
  return { ...real, createLogger: () => real.silentLogger };
});

const CHROMIUM = process.env.LOADOUT_E2E_CHROMIUM ?? '/usr/bin/chromium';

type Fake = typeof import('../fakes/electron.js');

describe('desktop app: main in Node, preload and dashboard in Chromium', () => {
  const dir = new TestDir();
  let fake: Fake;
  let browser: Browser;
  let page: Page;
  let deliveryErrors: string[] = [];
  const problems: string[] = [];
  const savedConfigEnv = process.env.LOADOUT_CONFIG;

  const trayMenu = (): MenuItemConstructorOptions[] => (fake.Tray.instances[0]?.menu?.template ?? []) as MenuItemConstructorOptions[];
  const trayItem = (label: string) => trayMenu().find((i) => i.label === label);
  const traySub = (model: string) => (trayMenu().find((i) => String(i.label).startsWith(`${model} — `))?.submenu ?? []) as MenuItemConstructorOptions[];

  beforeAll(async () => {
    if (!existsSync(`${RENDERER_DIR}/index.html`)) throw new Error(`${RENDERER_DIR}/index.html is missing: run npm run build`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Chromium or set LOADOUT_E2E_CHROMIUM`);
    dir.write({ models: { alpha: {}, beta: {} } });
    process.env.LOADOUT_CONFIG = dir.configFile;
    fake = await import('../fakes/electron.js');
    fake.app.appPath = REPO_ROOT; // main serves <app path>/dist/renderer
    await import('../../electron/main.js');
    await vi.waitFor(() => expect(fake.BrowserWindow.instances).toHaveLength(1), { timeout: WAIT_MS });
    await vi.waitFor(() => expect(trayItem('alpha — stopped')).toBeDefined(), { timeout: WAIT_MS });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    page = await browser.newPage();
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('pageerror', (e) => problems.push(e.message));
    const attached = await attachRenderer(page, fake.BrowserWindow.instances[0]!);
    deliveryErrors = attached.deliveryErrors;
    await page.goto(attached.url);
  });

  afterAll(async () => {
    await browser?.close();
    if (fake && !fake.app.ended) fake.app.quit(); // a failed test still stops every backend
    await waitUntil(() => taggedPids(dir.tag).length === 0, 'backends to stop').catch(() => undefined);
    await dir.cleanup();
    if (savedConfigEnv === undefined) delete process.env.LOADOUT_CONFIG;
    else process.env.LOADOUT_CONFIG = savedConfigEnv;
  });

  const row = (name: string) => page.getByRole('table', { name: 'Models', exact: true }).getByRole('row').filter({ has: page.getByRole('switch', { name: `Pin ${name}`, exact: true }) });

  it('shows the models over IPC, through the real preload', async () => {
    await page.getByRole('status', { name: 'Connection: Connected' }).waitFor({ timeout: WAIT_MS });
    await waitForText(row('alpha').locator('.badge'), /^stopped$/i, 'alpha to be listed as stopped');
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { loadout: object }).loadout).sort())).toEqual(['desktop', 'invoke', 'onEvent']);
  });

  it('loads a model from the dashboard: a real backend starts and the tray follows', async () => {
    await page.getByRole('button', { name: 'Load alpha', exact: true }).click();
    await waitForText(row('alpha').locator('.badge'), /^ready$/i, 'alpha to be ready in the dashboard');
    await vi.waitFor(() => expect(trayItem('alpha — ready')).toBeDefined(), { timeout: WAIT_MS });
    expect(traySub('alpha').map((i) => i.label)).toContain('Unload');
    const pids = taggedPids(dir.tag);
    expect(pids).toHaveLength(1);
    expect(alive(pids[0]!)).toBe(true);
  });

  it('pins from the dashboard: written to the config file, and the tray checkbox follows', async () => {
    await page.getByRole('switch', { name: 'Pin alpha', exact: true }).click();
    await waitUntil(() => /alpha:\n\s+backend: fake\n\s+pinned: true/.test(dir.readConfig()), 'pinned: true in the config file');
    expect(dir.readConfig()).toContain('# the alpha model'); // the user's comments are kept
    await vi.waitFor(() => expect(traySub('alpha').find((i) => i.label === 'Pinned')?.checked).toBe(true), { timeout: WAIT_MS });
    // The page gets the same push as the tray, a moment later or earlier: wait for it too.
    await vi.waitFor(async () => expect(await page.getByRole('switch', { name: 'Pin alpha', exact: true }).getAttribute('aria-checked')).toBe('true'), { timeout: WAIT_MS });
  });

  it('the prompt box in the desktop window streams an answer through main (stopping it: main-with-service)', async () => {
    await row('alpha').getByRole('button', { name: 'Try alpha', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Try alpha', exact: true });
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    const answer = dialog.getByRole('log', { name: 'Answer from alpha', exact: true });
    await waitForText(answer, /chunk 0 from alpha pid \d+/, 'the streamed answer');
    await waitForText(dialog.getByRole('status'), 'Done.', 'the try to finish');
    const figure = (term: string) => dialog.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
    await waitForText(figure('Time to first token'), /^\d+(\.\d)? (ms|s)$/, 'time to first token');
    // It went through the router like any client's request: the model's stats count it.
    const stats = row('alpha').getByRole('group', { name: /^Requests to alpha: 1 request/ });
    await stats.waitFor({ timeout: WAIT_MS });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    const alpha = (await fake.ipcMain.invokeHandler('loadout:invoke', { senderFrame: { url: 'app://ui/index.html' }, sender: fake.BrowserWindow.instances[0]!.webContents }, 'models.get', { name: 'alpha' })) as { ok: true; value: { inflight: number } };
    expect(alpha.value.inflight).toBe(0);
    expect(problems, 'console errors or CSP violations in the desktop page').toEqual([]);
  });

  it('follows a load started from the tray, in the dashboard', async () => {
    (traySub('beta').find((i) => i.label === 'Load')?.click as () => void)();
    await waitForText(row('beta').locator('.badge'), /^ready$/i, 'beta to be ready in the dashboard');
    expect(taggedPids(dir.tag)).toHaveLength(2);
  });

  it('adds a model from the tray: Add model… opens the dialog, the native picker fills the path, the config opens', async () => {
    const file = join(dir.path, 'Picked-Q8_0.gguf');
    writeGguf(file, { metadata: llamaMetadata({ 'general.file_type': 7 }) });
    (trayItem('Add model…')?.click as () => void)();
    const dialog = page.getByRole('dialog', { name: 'Add model' });
    await dialog.waitFor({ timeout: WAIT_MS });
    fake.dialog.nextPick = [file];
    await dialog.getByRole('button', { name: 'Choose file…' }).click();
    await vi.waitFor(async () => expect(await dialog.getByRole('combobox', { name: /Model file/ }).inputValue()).toBe(file), { timeout: WAIT_MS });
    expect(fake.dialog.openDialogs.at(-1)?.options.filters).toEqual([{ name: 'GGUF models', extensions: ['gguf'] }]);
    await dialog.getByRole('button', { name: 'Add to config', exact: true }).click();
    await waitForText(dialog.getByRole('status'), 'Added Picked-Q8_0 to the config file.', 'the confirmation');
    expect(readFileSync(dir.configFile, 'utf8')).toContain(`  Picked-Q8_0:\n    model: ${file}\n`);
    await dialog.getByRole('button', { name: 'Open config file' }).click();
    await vi.waitFor(() => expect(fake.shell.openedPaths).toEqual([dir.configFile]), { timeout: WAIT_MS });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  it('quits from the tray only after every backend stopped; no process is left', async () => {
    const pids = taggedPids(dir.tag);
    expect(pids).toHaveLength(2);
    // What is alive at the moment the process would end: nothing of ours may be.
    let aliveAtExit: number[] | null = null;
    const exit = fake.app.exit.bind(fake.app);
    fake.app.exit = (code?: number) => {
      aliveAtExit = pids.filter(alive);
      exit(code);
    };
    (trayItem('Quit Loadout')?.click as () => void)();
    await vi.waitFor(() => expect(fake.app.ended).toBe(true), { timeout: 20_000 });
    expect(aliveAtExit).toEqual([]);
    for (const pid of pids) expect(await gone(pid)).toBe(true);
    expect(taggedPids(dir.tag)).toEqual([]);
    expect(fake.app.lifecycle).toEqual(['ready', 'exit(0)']);
    expect(fake.Tray.instances[0]?.isDestroyed()).toBe(true);
    expect(problems).toEqual([]);
    expect(deliveryErrors).toEqual([]);
  });
});
