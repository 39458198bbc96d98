// Long lists stay usable: 500 configured models and a 10,000-event log. The tables are windowed, so the
// page holds a screenful of rows however long the lists are, and scrolling brings the far end into view.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage, WAIT_MS, type Dashboard } from './harness.js';

const MODELS = 500;
const EVENTS = 10_000;
const names = Array.from({ length: MODELS }, (_, i) => `model-${String(i).padStart(3, '0')}`);
const stage = new Stage({ models: Object.fromEntries(names.map((n) => [n, {}])) });
let dash: Dashboard;

beforeAll(async () => {
  // A long history from earlier runs: the event log is restored from state_dir at start.
  mkdirSync(stage.stateDir, { recursive: true });
  const start = Date.parse('2026-11-26T08:00:00Z');
  const lines = Array.from({ length: EVENTS }, (_, i) => {
    const model = names[i % MODELS]!;
    const type = i % 2 === 0 ? 'model_starting' : 'model_ready';
    const data = type === 'model_starting' ? { trigger: 'api', instance: i } : { pid: 1000 + i, port: 40000, load_ms: 12, instance: i };
    return JSON.stringify({ seq: i + 1, at: new Date(start + i * 1000).toISOString(), type, model, reason: null, message: `${type} ${model}`, data });
  });
  writeFileSync(join(stage.stateDir, 'events.jsonl'), lines.join('\n') + '\n');
  await stage.start();
  dash = await stage.open();
});

afterAll(async () => {
  const left = await stage.stop();
  expect(left, 'backends still alive after the service stopped').toEqual([]);
});

/** Scrolls the scrollable ancestor of a table to its end, like a user dragging the scrollbar down. */
async function scrollToEnd(table: string): Promise<void> {
  // Runs in the page (a string: this file is type-checked without DOM types).
  await dash.page.evaluate(`(() => {
    let el = document.querySelector('table[aria-label="${table}"]')?.parentElement ?? null;
    while (el && el.scrollHeight <= el.clientHeight) el = el.parentElement;
    if (!el) throw new Error('no scroll container for ${table}');
    el.scrollTop = el.scrollHeight;
    el.dispatchEvent(new Event('scroll'));
  })()`);
}

describe('long lists', () => {
  it('keeps a screenful of model rows in the page for 500 models, and scrolls to the last one', async () => {
    const table = dash.modelsTable();
    expect(await table.getAttribute('aria-rowcount')).toBe(String(MODELS + 1));
    const rendered = await table.locator('tbody tr').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    await scrollToEnd('Models');
    await dash.row(names[MODELS - 1]!).waitFor({ timeout: WAIT_MS });
    expect(await table.locator('tbody tr').count()).toBeLessThan(60);
  });

  it('restores the long event log and keeps the events table windowed', async () => {
    const events = dash.eventsTable();
    await events.getByRole('row').nth(1).waitFor({ timeout: WAIT_MS });
    const rowCount = Number(await events.getAttribute('aria-rowcount'));
    expect(rowCount).toBeGreaterThan(100);
    expect(await events.locator('tbody tr').count()).toBeLessThan(60);
    // The newest restored event is at the top; the numbering continued from the log.
    await dash.eventRow('model_ready', names[(EVENTS - 1) % MODELS]!).first().waitFor({ timeout: WAIT_MS });
    await scrollToEnd('Events');
    expect(await events.locator('tbody tr').count()).toBeLessThan(60);
    const fresh = await stage.api<{ events: { seq: number }[] }>('GET', `/api/events?after=${EVENTS - 1}`);
    expect(fresh.json.events[0]!.seq).toBe(EVENTS);
  });
});
