// The watchdog settings form against the real server: a valid edit is applied and persisted, an
// invalid one is caught on the page and never sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchdogSettingsView } from '../../shared/settings.js';
import { Stage, waitForText, waitUntil, type Dashboard } from './harness.js';

const stage = new Stage({ models: { alpha: {} }, watchdog: { idle_timeout: '15m' } });
let dash: Dashboard;
const patches: string[] = [];

beforeAll(async () => {
  await stage.start();
  dash = await stage.open();
  dash.page.on('request', (r) => {
    if (r.method() === 'PATCH' && new URL(r.url()).pathname === '/api/settings') patches.push(r.postData() ?? '');
  });
});

afterAll(async () => {
  const left = await stage.stop();
  expect(left, 'backends still alive after the service stopped').toEqual([]);
});

async function serverSettings(): Promise<WatchdogSettingsView> {
  const r = await stage.api<WatchdogSettingsView>('GET', '/api/settings');
  expect(r.status).toBe(200);
  return r.json;
}

describe('watchdog settings form', () => {
  it('saves idle_timeout = 20m: the server applies it and the config file has it', async () => {
    const form = dash.page.getByRole('form', { name: 'Watchdog settings' });
    // Labelled in words; the YAML key is shown beside the label and describes the field.
    const field = form.getByRole('textbox', { name: 'Unload after idle for', exact: true });
    expect(await form.locator('#setting-idle_timeout-key').textContent()).toBe('idle_timeout');
    expect(await field.getAttribute('aria-describedby')).toContain('setting-idle_timeout-key');
    await waitUntil(async () => (await field.inputValue()) === '15m', 'the form to show the current idle_timeout');

    await field.fill('20m');
    await form.getByRole('button', { name: 'Save settings' }).click();

    await waitForText(form.getByText(/^Saved /), 'Saved Unload after idle for', 'the saved message');
    expect(patches.map((p) => JSON.parse(p) as unknown)).toEqual([{ idle_timeout: '20m' }]);
    expect((await serverSettings()).idle_timeout).toBe('20m');
    await waitUntil(() => /\n {2}idle_timeout: "?20m"?/.test(stage.readConfig()), 'idle_timeout: 20m in the config file');
    expect(stage.readConfig()).toContain('# tuned for fast tests');
    await waitForText(dash.eventRow('settings_changed', '—').first().locator('.ev-text'), 'Settings changed: Unload after idle for is now 20m', 'the event as a sentence');
  });

  it('an invalid value shows a validation message and is not sent', async () => {
    const form = dash.page.getByRole('form', { name: 'Watchdog settings' });
    const field = form.getByRole('textbox', { name: 'Unload after idle for', exact: true });
    const save = form.getByRole('button', { name: 'Save settings' });
    await field.fill('soon');

    await waitForText(form.locator('#setting-idle_timeout-error'), 'Use a duration', 'the validation message');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    // The message is the field's description, so screen readers hear it too.
    expect(await field.getAttribute('aria-describedby')).toContain('setting-idle_timeout-error');
    expect(await save.isDisabled()).toBe(true);
    // Enter submits the form the keyboard way; it must not send either.
    await field.press('Enter');

    // A round trip through the server: had a PATCH been sent before it, it would be recorded by now.
    await dash.page.evaluate("fetch('/api/settings').then((r) => r.json())");
    expect(patches).toHaveLength(1);
    expect((await serverSettings()).idle_timeout).toBe('20m');
    expect(stage.readConfig()).toMatch(/\n {2}idle_timeout: "?20m"?/);

    // Discarding puts the server's value back.
    await form.getByRole('button', { name: 'Discard changes' }).click();
    await waitUntil(async () => (await field.inputValue()) === '20m', 'the field to show the saved value again');
  });
});
