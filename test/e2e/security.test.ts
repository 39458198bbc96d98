// The dashboard under its Content-Security-Policy: served with the header, and nothing the page does
// on load or during ordinary use is blocked or logs an error.
import { describe, expect, it } from 'vitest';
import { Stage, useStage, WAIT_MS, type Dashboard } from './harness.js';

let dash: Dashboard;
useStage(new Stage({ models: { alpha: { args: '--loading-ms 100' }, beta: {} } }), (d) => (dash = d));

describe('security', () => {
  it('serves the page with a strict CSP header', () => {
    const csp = dash.mainResponseHeaders['content-security-policy'] ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('produces no console errors and no CSP violations while used', async () => {
    const page = dash.page;
    await page.getByRole('button', { name: 'Load alpha', exact: true }).click();
    await dash.waitState('alpha', 'Ready');
    await page.getByRole('button', { name: 'Show logs for alpha', exact: true }).click();
    await page.getByRole('log', { name: 'Log of alpha' }).getByRole('listitem').first().waitFor({ timeout: WAIT_MS });
    await page.getByRole('switch', { name: 'Pin beta', exact: true }).click();
    await page.getByRole('switch', { name: 'Pin beta', exact: true, checked: true }).waitFor({ timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await page.getByRole('combobox', { name: 'Filter events by type' }).selectOption('model_ready');
    await dash.eventRow('model_ready', 'alpha').first().waitFor({ timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Unload alpha', exact: true }).click();
    await dash.waitState('alpha', 'Stopped');

    // A fresh load of the page (the stream reconnects from scratch) must be just as clean.
    await dash.goto();
    await dash.waitState('alpha', 'Stopped');
    // A probe: a violation really is reported (the watcher works), then dropped from the findings.
    await page.evaluate("new Promise((resolve) => { const i = document.createElement('img'); i.onerror = resolve; i.src = 'http://example.invalid/x.png'; document.body.append(i); })");
    await page.waitForFunction('true');
    const probes = dash.problems.filter((p) => p.text.includes('example.invalid'));
    expect(probes.some((p) => p.kind === 'csp'), 'the CSP watcher saw the probe').toBe(true);
    expect(dash.problems.filter((p) => !p.text.includes('example.invalid'))).toEqual([]);
  });
});
