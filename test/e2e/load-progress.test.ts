// A load in progress on the dashboard (issue 10 item 3): a progress bar named after the model, with the
// backend's percentage where it reports one, and a Cancel button that stops the start.
import { describe, expect, it } from 'vitest';
import { Stage, useStage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

let dash: Dashboard;
const stage = useStage(new Stage({
  models: {
    // Slow loads: they stay starting until cancelled.
    reporting: { args: '--progress 10,30 --never-healthy' },
    silent: { args: '--never-healthy' },
  },
  watchdog: { health_timeout: '120s' },
}), (d) => (dash = d));

describe('load progress on the dashboard', () => {
  it('shows a progress bar with the backend’s percentage and the time taken, and Cancel stops the start', async () => {
    await dash.page.getByRole('button', { name: 'Load reporting', exact: true }).click();
    const bar = dash.page.getByRole('progressbar', { name: 'Loading reporting', exact: true });
    await bar.waitFor({ state: 'visible', timeout: WAIT_MS });
    await waitUntil(async () => (await bar.getAttribute('aria-valuenow')) === '30', 'the bar at 30 %');
    await waitForText(dash.row('reporting'), /30 % · \d+ s/, 'the percentage and elapsed time in the row');
    const pid = (await stage.model('reporting')).pid;
    expect(pid).toBeGreaterThan(0);

    await dash.page.getByRole('button', { name: 'Cancel loading reporting', exact: true }).click();
    await dash.waitState('reporting', 'Stopped');
    await bar.waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await stage.model('reporting')).toMatchObject({ state: 'stopped', error: null });
    // A cancelled load is what was asked for: no error in the row.
    expect(await dash.row('reporting').getByRole('button', { name: 'Show error for reporting', exact: true }).count()).toBe(0);
    await dash.page.getByRole('button', { name: 'Load reporting', exact: true }).waitFor({ timeout: WAIT_MS });
  });

  it('shows an indeterminate bar for a backend that reports no percentage', async () => {
    const load = stage.api('POST', '/api/models/silent/load');
    const bar = dash.page.getByRole('progressbar', { name: 'Loading silent', exact: true });
    await bar.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await bar.getAttribute('aria-valuenow')).toBeNull();
    await waitForText(dash.row('silent'), /\d+ s/, 'the elapsed time in the row');
    await dash.page.getByRole('button', { name: 'Cancel loading silent', exact: true }).click();
    expect((await load).status).toBe(409);
    await dash.waitState('silent', 'Stopped');
  });
});
