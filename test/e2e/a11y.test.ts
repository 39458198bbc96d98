// Accessibility and layout of the dashboard served by a real `loadout serve`, with models in every
// state that changes what a row shows (ready, starting, failed with an error, pinned, in a group),
// events, logs, a toast, and two GPUs at warning and critical use: axe-core finds no serious or
// critical violation at 390, 1024 and 1440 px in both themes, nothing scrolls sideways, every model
// name is visible in full, every focus ring shows whole, and nothing that floats over the page covers
// a control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectNoBlockingViolations } from './a11y-axe.js';
import { Stage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

const READY = 'qwen2.5-coder-14b-instruct';
const PINNED = 'nomic-embed-text-v1.5';
const GROUP_HOLDER = 'gemma-3-27b-it';
const GROUP_OTHER = 'mistral-small-3.1-24b-instruct-2503-q4_k_m';
const STARTING = 'llama-3.3-70b-instruct';
const FAILED = 'phi-3.5-mini';
const FAILURE = "error: failed to open GGUF file '/models/phi-3.5-mini-instruct-Q4_K_M.gguf': the file is truncated (read 1.2 GiB of 2.3 GiB); download it again or point the model at another file";
const ALL = [READY, PINNED, GROUP_HOLDER, GROUP_OTHER, STARTING, FAILED];
/** The least width the row gives the last error's text: about fifteen characters a line. */
const MIN_ERROR_TEXT_PX = 90;

// GPU 0 is at 85.4 % (warning), GPU 1 at 95.5 % (critical), from other applications alone.
const stage = new Stage({
  gpus: 'NVIDIA GeForce RTX 4090:24576,NVIDIA RTX A5000:22000',
  gpuBaseUsedMib: 21000,
  // The starting model answers 503 for ten minutes; it must stay "starting" for the whole file.
  watchdog: { health_timeout: '15m' },
  models: {
    [READY]: { aliases: ['coder'] },
    [PINNED]: { pinned: true },
    [GROUP_HOLDER]: { groups: ['big'] },
    [GROUP_OTHER]: { groups: ['big'] },
    [STARTING]: { args: '--loading-ms 600000' },
    [FAILED]: { args: `--exit-at-start 1 --message ${JSON.stringify(FAILURE)}` },
  },
});
let startingLoad: Promise<unknown> = Promise.resolve();

beforeAll(async () => {
  await stage.start();
  for (const name of [READY, PINNED, GROUP_HOLDER]) expect((await stage.api('POST', `/api/models/${name}/load`)).status, `load ${name}`).toBe(200);
  expect((await stage.api('POST', `/api/models/${FAILED}/load`)).status, `load ${FAILED}`).toBe(502);
  // Answered only when the service stops the load; awaited in afterAll.
  startingLoad = stage.api('POST', `/api/models/${STARTING}/load`).catch((e: unknown) => e);
  await waitUntil(async () => (await stage.model(STARTING)).state === 'starting', `${STARTING} to be starting`);
});

afterAll(async () => {
  const left = await stage.stop();
  await startingLoad;
  expect(left, 'backends still alive after the service stopped').toEqual([]);
});

const WIDTHS = [390, 1024, 1440] as const;
const THEMES = ['light', 'dark'] as const;

/** Waits until the page shows every model in the state the server reports and the Logs panel has lines. */
async function settle(dash: Dashboard): Promise<void> {
  await dash.waitState(READY, 'Ready');
  await dash.waitState(PINNED, 'Ready');
  await dash.waitState(GROUP_HOLDER, 'Ready');
  await dash.waitState(GROUP_OTHER, 'Stopped');
  await dash.waitState(STARTING, 'Starting');
  await dash.waitState(FAILED, 'Failed');
  await dash.eventRow('model_ready', READY).first().waitFor({ timeout: WAIT_MS });
  await dash.page.getByRole('button', { name: `Show logs for ${READY}`, exact: true }).click();
  await waitForText(dash.page.getByRole('log', { name: `Log of ${READY}` }).getByRole('listitem'), 'server is listening', 'the log of the ready model');
  for (const name of ['GPU 0 · NVIDIA GeForce RTX 4090', 'GPU 1 · NVIDIA RTX A5000']) {
    await dash.page.getByRole('heading', { name, exact: true }).waitFor({ timeout: WAIT_MS });
  }
}

/** What the page-side checks read of an element (the test's tsconfig has no DOM types). */
interface Measured {
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  getBoundingClientRect(): { left: number; right: number; width: number };
}

/** Model names that are hidden, cut off, or outside the viewport's width. */
async function hiddenNames(page: Page): Promise<string[]> {
  const out: string[] = [];
  for (const name of ALL) {
    const cell = page.getByRole('rowheader').filter({ hasText: name }).first();
    if (!(await cell.isVisible())) {
      out.push(`${name}: not visible`);
      continue;
    }
    // The name's own element: cut means its text needs more room than it has, either way.
    const box = await cell.evaluate((el) => {
      const label = (el.firstElementChild ?? el) as unknown as Measured;
      const r = label.getBoundingClientRect();
      const cut = label.scrollWidth > label.clientWidth + 1 || label.scrollHeight > label.clientHeight + 1;
      return { left: r.left, right: r.right, width: r.width, cut, vw: el.ownerDocument.documentElement.clientWidth };
    });
    if (box.width <= 0 || box.left < 0 || box.right > box.vw + 0.5) out.push(`${name}: spans ${box.left}..${box.right} of ${box.vw}px`);
    if (box.cut) out.push(`${name}: truncated`);
  }
  return out;
}

/**
 * Controls covered by anything that floats over the page (fixed elements and the notification
 * region), checked at the top and the bottom of the page.
 */
async function coveredControls(page: Page): Promise<string[]> {
  const check = `(() => {
    const floating = [...document.querySelectorAll('body *')].filter((el) => getComputedStyle(el).position === 'fixed');
    const region = document.querySelector('[aria-label="Notifications"]');
    if (region) floating.push(region);
    const controls = [...document.querySelectorAll('button, a[href], input, select, textarea, [tabindex], [role="log"]')];
    // The part of an element that can be seen: its box cut by every ancestor that clips overflow.
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflow === 'visible') continue;
        const q = p.getBoundingClientRect();
        box = { left: Math.max(box.left, q.left), top: Math.max(box.top, q.top), right: Math.min(box.right, q.right), bottom: Math.min(box.bottom, q.bottom) };
      }
      return box;
    };
    const out = [];
    for (const f of floating) {
      const a = f.getBoundingClientRect();
      if (a.width === 0 || a.height === 0) continue;
      for (const c of controls) {
        if (f.contains(c)) continue;
        const b = shown(c);
        if (b.right - b.left <= 0 || b.bottom - b.top <= 0) continue;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) out.push((c.getAttribute('aria-label') || c.textContent || c.tagName).trim().slice(0, 60) + ' under ' + (f.getAttribute('aria-label') || f.className));
      }
    }
    return out;
  })()`;
  // What floats for as long as the pointer or focus stays on a control (a tooltip) is not checked:
  // only what stays on the page by itself.
  await page.mouse.move(0, 0);
  await page.evaluate('window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()');
  const top = (await page.evaluate(check)) as string[];
  await page.evaluate('window.scrollTo(0, document.scrollingElement.scrollHeight)');
  const bottom = (await page.evaluate(check)) as string[];
  await page.evaluate('window.scrollTo(0, 0)');
  return [...new Set([...top, ...bottom])];
}

/**
 * Walks the page with Tab and returns the controls whose focus ring is missing or cut at the side by a
 * box that clips overflow (a table cell, a card). A ring cut at the top or bottom edge of a scrolled
 * list is the browser scrolling the control just into view, not a styling fault, so only sides count.
 */
async function focusWalk(page: Page, maxStops = 120): Promise<{ visited: string[]; problems: string[] }> {
  const probe = `(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const name = (el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 50);
    const cs = getComputedStyle(el);
    const width = parseFloat(cs.outlineWidth) || 0;
    if (cs.outlineStyle === 'none' || width < 2) return { name, problem: 'no focus ring' };
    const reach = Math.max(0, (parseFloat(cs.outlineOffset) || 0) + width);
    const r = el.getBoundingClientRect();
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const pc = getComputedStyle(p);
      if (pc.overflowX === 'visible') continue;
      const q = p.getBoundingClientRect();
      const left = q.left + (parseFloat(pc.borderLeftWidth) || 0);
      const right = q.right - (parseFloat(pc.borderRightWidth) || 0);
      if (r.left - reach < left - 0.5 || r.right + reach > right + 0.5) return { name, problem: 'ring cut by ' + (p.className || p.tagName) };
    }
    return { name, problem: '' };
  })()`;
  const problems: string[] = [];
  const visited: string[] = [];
  // A click on the header's empty corner puts the start of Tab navigation at the top of the page.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.mouse.click(2, 2);
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const at = (await page.evaluate(probe)) as { name: string; problem: string } | null;
    if (!at) break;
    if (at.name === visited[0]) break;
    visited.push(at.name);
    if (at.problem) problems.push(`${at.name}: ${at.problem}`);
  }
  return { visited, problems };
}

/** Buttons that open a dialog or a panel: the first of each kind is opened and checked. */
const OPENERS: { what: string; find: (page: Page) => ReturnType<Page['locator']> }[] = [
  { what: 'a button that opens a dialog', find: (page) => page.locator('button[aria-haspopup="dialog"]:visible') },
  { what: 'the Add model button', find: (page) => page.getByRole('button', { name: /^Add model/i }) },
  { what: 'a Try button', find: (page) => page.getByRole('button', { name: /^Try\b/i }) },
];

/** Opens a dialog or panel with `opener`, runs axe on the page with it open, and closes it again. */
async function checkOpened(page: Page, opener: ReturnType<Page['locator']>, where: string): Promise<void> {
  const handle = await opener.elementHandle();
  if (!handle) return;
  const label = ((await handle.getAttribute('aria-label')) ?? (await handle.textContent()) ?? 'a button').trim();
  const expanded = (): Promise<unknown> => page.waitForFunction((el) => (el as unknown as { getAttribute(n: string): string | null }).getAttribute('aria-expanded') === 'true', handle, { timeout: WAIT_MS });
  const dialog = page.locator('dialog[open], [role="dialog"], [role="alertdialog"]').filter({ visible: true }).first();
  await handle.click();
  const opened = await Promise.any([dialog.waitFor({ timeout: WAIT_MS }).then(() => 'dialog' as const), expanded().then(() => 'panel' as const)]).catch(() => null);
  if (!opened) throw new Error(`"${label}" in ${where} opened neither a dialog nor a panel (aria-expanded)`);
  await expectNoBlockingViolations(page, `${where}, ${opened} opened by "${label}"`);
  if (opened === 'panel') {
    await handle.click();
    return;
  }
  await page.keyboard.press('Escape');
  if (await dialog.isVisible()) await dialog.getByRole('button', { name: /^(Close|Cancel)\b/i }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
}

/**
 * Panels and dialogs other parts of the dashboard open: every collapsed disclosure (aria-expanded)
 * is opened and the page checked with them open; then the first of each kind of opener (OPENERS)
 * has what it opens checked and closed again. What is not on the page is not checked.
 */
async function checkOpenables(dash: Dashboard, where: string): Promise<void> {
  const page = dash.page;
  const collapsed = page.locator('button[aria-expanded="false"]:visible');
  const count = await collapsed.count();
  for (let i = 0; i < count; i++) {
    const b = collapsed.first();
    if (!(await b.isVisible())) break;
    await b.click();
  }
  if (count > 0) await expectNoBlockingViolations(page, `${where} with ${count} disclosure(s) opened`);
  for (const o of OPENERS) {
    const first = o.find(page).first();
    if ((await first.count()) > 0 && (await first.isVisible())) await checkOpened(page, first, where);
  }
}

describe('accessibility and layout', () => {
  for (const theme of THEMES) {
    for (const width of WIDTHS) {
      const where = `the dashboard at ${width} px, ${theme} theme`;
      it(`${where}: no serious axe violations, names visible, focus rings whole, nothing scrolls sideways or covers a control`, async () => {
        const dash = await stage.open({ viewport: { width, height: 800 }, colorScheme: theme, bypassCsp: true });
        try {
          const page = dash.page;
          expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
          await settle(dash);

          // A failed action from the page raises a notification: it must not cover anything.
          await page.getByRole('button', { name: `Load ${FAILED}`, exact: true }).click();
          await page.getByRole('status', { name: 'Notifications' }).getByRole('listitem').first().waitFor({ timeout: WAIT_MS });
          expect(await coveredControls(page), 'controls covered by floating elements').toEqual([]);

          await expectNoBlockingViolations(page, where);
          expect(await hiddenNames(page), 'model names not fully visible').toEqual([]);
          if (width === 390) {
            const scroll = (await page.evaluate('[document.scrollingElement.scrollWidth, window.innerWidth]')) as [number, number];
            expect(scroll[0], `page is ${scroll[0]} px wide in a ${scroll[1]} px viewport`).toBeLessThanOrEqual(scroll[1]);
          }

          if (theme === 'light') {
            const walk = await focusWalk(page);
            // The walk reached every row's controls, then found each ring whole.
            for (const name of ALL) expect(walk.visited, `Tab reaches the pin switch of ${name}`).toContain(`Pin ${name}`);
            expect(walk.problems, 'controls without a visible focus ring').toEqual([]);
          }

          // Memory use is told in words as well as colour: GPU 0 is high, GPU 1 critical.
          await waitForText(page.locator('.device').filter({ hasText: 'GPU 0' }), /High/, 'the warning label on GPU 0');
          await waitForText(page.locator('.device').filter({ hasText: 'GPU 1' }), /Critical/, 'the critical label on GPU 1');

          // The row shows the start of the last error legibly (room for a few words on a line, not a
          // sliver), and its details show the whole message.
          const errorButton = page.getByRole('button', { name: new RegExp(`^Show error for ${FAILED.replace(/\./g, '\\.')}: `) });
          const shown = await errorButton.evaluate((el) => {
            const text = el.querySelector('.error-text') as unknown as Measured | null;
            return text ? text.getBoundingClientRect().width : 0;
          });
          expect(shown, 'width of the last error text in the row (px)').toBeGreaterThanOrEqual(MIN_ERROR_TEXT_PX);
          await errorButton.click();
          const details = page.getByRole('region', { name: `Error details for ${FAILED}` });
          await waitForText(details, FAILURE, 'the full error message');
          const clipped = await details.locator('.error-message').evaluate((el) => (el as unknown as Measured).scrollWidth > (el as unknown as Measured).clientWidth + 1);
          expect(clipped, 'the error message is cut sideways').toBe(false);
          await expectNoBlockingViolations(page, `${where} with error details open`);

          await checkOpenables(dash, where);
        } finally {
          await dash.close();
        }
        // Six axe runs over a full page per test on a shared machine.
      }, 120_000);
    }
  }
});
