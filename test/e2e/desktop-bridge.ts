// Stands the desktop app's renderer side up in Chromium, without the Electron binary: the real preload
// (electron/preload.cts, compiled as tsconfig.node.json does) runs in the page before the dashboard,
// with a sandbox `require` that knows only `electron`, whose ipcRenderer talks to main's real IPC
// handlers (on the fake `electron` module) through Playwright bindings. Every payload crosses the
// page boundary serialized, both ways, as it crosses processes in Electron. The page is served by
// main's own `app://` protocol handler; only the origin is translated, because Chromium outside
// Electron cannot load a custom scheme.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import ts from 'typescript';
import type { BrowserWindow, FakeWebContents } from '../fakes/electron.js';
import * as fake from '../fakes/electron.js';

/** The stand-in http origin for `app://ui` (the route below answers it; nothing goes to the network). */
export const PAGE_ORIGIN = 'http://ui.loadout.test';
const APP_ORIGIN = 'app://ui';

export const toPageUrl = (appUrl: string): string => (appUrl.startsWith(`${APP_ORIGIN}/`) ? PAGE_ORIGIN + appUrl.slice(APP_ORIGIN.length) : appUrl);
/** What Electron would report as the frame's URL: the app origin only for frames of the app origin. */
export const toAppUrl = (pageUrl: string): string => (pageUrl.startsWith(`${PAGE_ORIGIN}/`) ? APP_ORIGIN + pageUrl.slice(PAGE_ORIGIN.length) : pageUrl);

function preloadScript(): string {
  const source = readFileSync(new URL('../../electron/preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: 'preload.cts',
  });
  // The sandbox: ipcRenderer and contextBridge are all the preload gets; listeners receive an event
  // object without a sender, as the page's would.
  return `(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => window.__electronInvoke(channel, ...args),
    send: (channel, ...args) => void window.__electronSend(channel, ...args),
    on(channel, fn) { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(fn); return ipcRenderer; },
    removeListener(channel, fn) { listeners.get(channel)?.delete(fn); return ipcRenderer; },
  };
  Object.defineProperty(window, '__electronDeliver', {
    value: (channel, args) => { for (const fn of [...(listeners.get(channel) ?? [])]) fn({}, ...args); },
  });
  const contextBridge = {
    exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze({ ...api }), enumerable: true }),
  };
  const require = (id) => {
    if (id !== 'electron') throw new Error('a sandboxed preload cannot require ' + id);
    return { ipcRenderer, contextBridge };
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${outputText}
  })(require, module, module.exports);
})();`;
}

/**
 * Makes `page` the renderer of `win` (a window main created on the fake electron): the app origin is
 * served by main's registered `app` protocol handler, the preload runs first, invokes and sends reach
 * `ipcMain`, and what main sends to the window's webContents is delivered to the page in order.
 * Returns the page URL of what main loaded into the window, and the pushes that could not be delivered.
 */
export async function attachRenderer(page: Page, win: BrowserWindow): Promise<{ url: string; deliveryErrors: string[] }> {
  const contents: FakeWebContents = win.webContents;
  const handler = fake.protocol.handlers.get('app');
  if (!handler) throw new Error('main registered no app:// protocol handler');
  await page.route(`${PAGE_ORIGIN}/**`, async (route) => {
    const res = await handler(new Request(toAppUrl(route.request().url())));
    await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) });
  });
  const eventFor = (frameUrl: string) => ({ senderFrame: { url: toAppUrl(frameUrl) }, sender: contents });
  await page.exposeBinding('__electronInvoke', (source, channel: string, ...args: unknown[]) => fake.ipcMain.invokeHandler(channel, eventFor(source.frame.url()), ...args));
  await page.exposeBinding('__electronSend', (source, channel: string, ...args: unknown[]) => fake.ipcMain.sendFromRenderer(channel, eventFor(source.frame.url()), ...args));
  const deliveryErrors: string[] = [];
  let delivered: Promise<void> = Promise.resolve();
  contents.onSend((channel, ...args) => {
    // One after the other, so the page sees pushes in the order main sent them.
    delivered = delivered.then(() =>
      page
        .evaluate(([c, a]) => (globalThis as unknown as { __electronDeliver(c: string, a: unknown[]): void }).__electronDeliver(c, a), [channel, args] as const)
        .catch((error: unknown) => void (page.isClosed() || deliveryErrors.push(String(error)))),
    );
  });
  await page.addInitScript(preloadScript());
  const loaded = win.callsOf('loadURL').at(-1)?.[0];
  if (typeof loaded !== 'string') throw new Error('main loaded nothing into the window');
  return { url: toPageUrl(loaded), deliveryErrors };
}
