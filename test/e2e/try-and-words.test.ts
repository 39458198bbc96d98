// Issue 10, items 5 and 8 in Chromium: a model's prompt box streams an answer through /v1 and shows
// time to first token and tokens per second; Stop aborts; the row shows the request stats; the event
// timeline reads as sentences and opens an event's full message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadoutEvent } from '../../shared/events.js';
import { Stage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

const stage = new Stage({
  models: {
    talker: { args: '--stream-chunks 6 --chunk-delay 30' },
    rambler: { args: '--stream-chunks 400 --chunk-delay 50' },
    broken: { args: '--exit-at-start 3 --message "fatal: cannot open model file /models/broken.gguf"' },
  },
});
let dash: Dashboard;

beforeAll(async () => {
  await stage.start();
  dash = await stage.open();
});

afterAll(async () => {
  await dash.close();
  const left = await stage.stop();
  expect(left, 'backends still alive after the service stopped').toEqual([]);
});

async function openTry(name: string) {
  await dash.row(name).getByRole('button', { name: `Try ${name}`, exact: true }).click();
  const dialog = dash.page.getByRole('dialog', { name: `Try ${name}`, exact: true });
  await dialog.waitFor({ timeout: WAIT_MS });
  return dialog;
}

describe('try it', () => {
  it('streams an answer from the model, with time to first token and tokens per second', async () => {
    const dialog = await openTry('talker');
    await dialog.getByRole('textbox', { name: 'Prompt', exact: true }).fill('Tell me something.');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();

    const answer = dialog.getByRole('log', { name: 'Answer from talker', exact: true });
    await waitForText(answer, /chunk 0 from talker .*chunk 5 from talker/, 'the whole streamed answer', 20_000);
    await waitForText(dialog.getByRole('status'), 'Done.', 'the try to finish');
    const figure = (term: string) => dialog.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
    await waitForText(figure('Time to first token'), /^\d+(\.\d)? (ms|s)$/, 'time to first token');
    await waitForText(figure('Tokens per second'), /^\d+(\.\d+)?$/, 'tokens per second from usage');
    await waitForText(figure('Tokens'), /^6$/, 'the usage token count');

    // The request went through the router like any client's: the model's stats count it.
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    const stats = dash.row('talker').getByRole('group', { name: /^Requests to talker: 1 request · [\d.]+ tok\/s · p50 / });
    await stats.waitFor({ timeout: WAIT_MS });
    const view = await stage.model('talker');
    expect(view.stats).toMatchObject({ requests: 1, errors: 0, window: 1 });
  });

  it('Stop aborts the stream; the request is not counted as an error', async () => {
    const dialog = await openTry('rambler');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    const answer = dialog.getByRole('log', { name: 'Answer from rambler', exact: true });
    await waitForText(answer, /chunk 1 from rambler/, 'the first chunks', 20_000);
    await dialog.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForText(dialog.getByRole('status'), 'Stopped.', 'the stop to take');
    expect(await dialog.getByRole('button', { name: 'Send', exact: true }).isEnabled()).toBe(true);
    const text = (await answer.textContent()) ?? '';
    expect(text).not.toContain('chunk 399');
    // The backend saw the client go away, and nothing stays in flight.
    const v = await waitUntilModel('rambler', (m) => m.stats.requests === 1 && m.inflight === 0);
    expect(v.stats.errors).toBe(0);
    await dash.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    // Streaming and stopping through the page's CSP: nothing refused, nothing thrown.
    expect(dash.problems, 'console errors or CSP violations').toEqual([]);
  });
});

describe('words, not codes', () => {
  it('the timeline shows events as sentences, with the raw type and reason beside them', async () => {
    const ready = dash.eventRow('model_ready', 'talker').first();
    await waitForText(ready.locator('.ev-text'), /^talker is ready \(loaded in [\d.]+ (ms|s)\)$/, 'the ready sentence');
    await waitForText(dash.eventRow('model_starting', 'talker').first().locator('.ev-text'), 'Loading talker for a request', 'the starting sentence');
  });

  it('a failed load reads as a sentence, and its disclosure opens the full message and log tail', async () => {
    await dash.page.getByRole('button', { name: 'Load broken', exact: true }).click();
    const row = dash.eventRow('model_failed', 'broken', 'exited').first();
    await waitForText(row.locator('.ev-text'), /^broken failed to start \(exit 3\)/, 'the failure sentence');
    const events = (await stage.api<{ events: LoadoutEvent[] }>('GET', '/api/events?after=0')).json.events;
    const failed = events.find((e) => e.type === 'model_failed' && e.model === 'broken')!;

    const toggle = row.getByRole('button', { name: `Full message of event ${failed.seq}`, exact: true });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const details = dash.page.getByRole('region', { name: `Details of event ${failed.seq}`, exact: true });
    expect(await toggle.getAttribute('aria-controls')).toBe(await details.getAttribute('id'));
    await waitForText(details.locator('.event-full-message'), failed.message, 'the full message');
    await waitForText(details.getByLabel('Last log lines'), /fatal: cannot open model file \/models\/broken\.gguf/, 'the log tail');
    await waitForText(details, /model_failed/, 'the raw type');

    await toggle.click();
    await details.waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  });
});

async function waitUntilModel(name: string, cond: (m: Awaited<ReturnType<typeof stage.model>>) => boolean) {
  let last = await stage.model(name);
  await waitUntil(async () => cond((last = await stage.model(name))), `${name} to settle (last: ${JSON.stringify(last)})`);
  return last;
}
