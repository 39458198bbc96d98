// The dashboard against a real service and real backends: what a click does, and what the page shows
// of what happens elsewhere. The tests share one service and run in order; each leaves the state the
// next one starts from.
import { describe, expect, it } from 'vitest';
import { Stage, useStage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

let dash: Dashboard;
const stage = useStage(new Stage({
  models: {
    alpha: { args: '--loading-ms 150', groups: ['pair'] },
    beta: { args: '--loading-ms 150', groups: ['pair'] },
    gamma: { args: '--loading-ms 100' },
    broken: { args: '--exit-at-start 7 --message "fatal: cannot open model"' },
  },
}), (d) => (dash = d));

describe('dashboard', () => {
  it('shows the endpoint URL for OpenAI clients, and its copy button puts it on the clipboard', async () => {
    const endpoint = `${stage.url}/v1`;
    await waitForText(dash.page.locator('header'), endpoint, 'the endpoint URL in the header');
    await dash.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stage.url });
    const copy = dash.page.getByRole('button', { name: 'Copy endpoint URL', exact: true });
    await copy.click();
    await waitForText(copy, 'Copied', 'the copy button confirming');
    expect(await dash.page.evaluate('navigator.clipboard.readText()')).toBe(endpoint);
  });

  it('loading by click: the row turns ready with its backend and pid, and model_ready shows in Events', async () => {
    await dash.waitState('alpha', 'Stopped');
    await dash.page.getByRole('button', { name: 'Load alpha', exact: true }).click();

    await dash.waitState('alpha', 'Ready');
    const alpha = await stage.model('alpha');
    expect(alpha.state).toBe('ready');
    expect(alpha.pid).toBeGreaterThan(0);
    await waitForText(dash.row('alpha').getByRole('rowheader'), `fake · pid ${alpha.pid}`, 'the backend and pid of alpha in its row');
    await dash.eventRow('model_ready', 'alpha').first().waitFor({ timeout: WAIT_MS });
    // The button flipped to the opposite action.
    await dash.page.getByRole('button', { name: 'Unload alpha', exact: true }).waitFor({ timeout: WAIT_MS });
  });

  it('logs: following a model shows what its backend printed', async () => {
    await dash.page.getByRole('button', { name: 'Show logs for alpha', exact: true }).click();
    const log = dash.page.getByRole('log', { name: 'Log of alpha' });
    await waitForText(log.getByRole('listitem'), 'server is listening', 'the backend output in the Logs panel');
    await waitForText(log.getByRole('listitem'), `(alpha) pid ${(await stage.model('alpha')).pid}`, 'the startup line of this alpha');
    expect(await dash.page.getByRole('button', { name: 'Show logs for alpha', exact: true }).getAttribute('aria-pressed')).toBe('true');
  });

  it('group eviction live: loading beta evicts alpha (reason group) without reloading the page', async () => {
    const firstPage = await dash.page.evaluate('performance.timeOrigin');
    await dash.page.getByRole('button', { name: 'Load beta', exact: true }).click();

    await dash.eventRow('model_evicted', 'alpha', 'group').first().waitFor({ timeout: WAIT_MS });
    await dash.waitState('beta', 'Ready');
    await dash.waitState('alpha', 'Stopped');
    await dash.page.getByRole('button', { name: 'Load alpha', exact: true }).waitFor({ timeout: WAIT_MS });
    // The group panel names the new holder.
    await dash.page.getByLabel('pair held by beta', { exact: true }).waitFor({ timeout: WAIT_MS });
    expect(await dash.page.evaluate('performance.timeOrigin'), 'the page was reloaded').toBe(firstPage);
    expect((await stage.model('alpha')).state).toBe('stopped');
  });

  it('live updates: a load made outside the page arrives over SSE and updates the row', async () => {
    await dash.waitState('gamma', 'Stopped');
    // Whatever the page learns from here on comes over its open event stream, not a new request.
    const requests: string[] = [];
    const onRequest = (r: { url(): string }): void => void requests.push(r.url());
    dash.page.on('request', onRequest);
    const res = await stage.api('POST', '/api/models/gamma/load');
    expect(res.status).toBe(200);
    await dash.waitState('gamma', 'Ready');
    await dash.eventRow('model_ready', 'gamma').first().waitFor({ timeout: WAIT_MS });

    const off = await stage.api('POST', '/api/models/gamma/unload', {});
    expect(off.status).toBe(200);
    await dash.waitState('gamma', 'Stopped');
    await dash.eventRow('model_stopped', 'gamma', 'manual').first().waitFor({ timeout: WAIT_MS });
    dash.page.off('request', onRequest);
    expect(requests).toEqual([]);
  });

  it('pinning by switch: aria-checked turns true and the config file says pinned: true, comments intact', async () => {
    const before = stage.readConfig();
    const pin = dash.page.getByRole('switch', { name: 'Pin alpha', exact: true });
    expect(await pin.getAttribute('aria-checked')).toBe('false');
    await pin.click();

    await dash.page.getByRole('switch', { name: 'Pin alpha', exact: true, checked: true }).waitFor({ timeout: WAIT_MS });
    await dash.eventRow('model_pinned', 'alpha').first().waitFor({ timeout: WAIT_MS });
    expect((await stage.model('alpha')).pinned).toBe(true);

    await waitUntil(() => /\n {2}alpha:\n(?: {4}.*\n)*? {4}pinned: true\b/.test(stage.readConfig()), 'pinned: true under alpha in the config file');
    const after = stage.readConfig();
    const comments = (text: string): string[] => text.split('\n').map((l) => l.slice(l.indexOf('#'))).filter((c) => c.startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    // Only alpha changed.
    expect(after.match(/pinned:/g)).toHaveLength(1);
  });

  it('load failure shown: the row says failed, exit code 7 and the line the backend printed', async () => {
    await dash.page.getByRole('button', { name: 'Load broken', exact: true }).click();

    await dash.waitState('broken', 'Failed');
    const errorButton = dash.page.getByRole('button', { name: /^Show error for broken: / });
    await waitForText(errorButton, 'exit 7', 'the exit code in the row');
    await errorButton.click();
    const details = dash.page.getByRole('region', { name: 'Error details for broken', exact: true });
    await waitForText(details, 'exit code 7', 'the exit code in the error details');
    await waitForText(details.locator('pre'), 'fatal: cannot open model', 'the log tail in the error details');
    await dash.eventRow('model_failed', 'broken').first().waitFor({ timeout: WAIT_MS });
    const broken = await stage.model('broken');
    expect(broken.state).toBe('failed');
    expect(broken.error?.exit_code).toBe(7);
  });
});
