// Adding and loading models without YAML (issue 10): the Add model dialog lists what discovery found
// with one-click Load and Add to config, adds a file by path, every Load control tells what it will
// do before the click, and a refused load is a notice that names the rule, not the model's last error.
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llamaMetadata, writeGguf } from '../helpers/gguf-writer.js';
import { Stage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

let stage: Stage;
let dash: Dashboard;
let folder: string;

const REFUSAL = 'other and holder share group big, and holder is pinned: unpin it or take one out of the group';

beforeAll(async () => {
  stage = new Stage({ models: { holder: { pinned: true, groups: ['big'] }, other: { groups: ['big'] }, free: {} }, discover: ['gguf'] });
  folder = join(stage.dir, 'gguf');
  writeGguf(join(folder, 'Tiny-Q4_K_M.gguf'), { metadata: llamaMetadata({ 'general.architecture': 'qwen3', 'qwen3.context_length': 4096 }) });
  writeGguf(join(stage.dir, 'elsewhere', 'Picked-Q8_0.gguf'), { metadata: llamaMetadata({ 'general.file_type': 7 }) });
  await stage.start();
  dash = await stage.open();
  await dash.waitState('holder', 'Ready'); // pinned: loaded at start
});

afterAll(async () => {
  const left = await stage.stop();
  expect(left, 'backends still alive after the service stopped').toEqual([]);
});

function dialog() {
  return dash.page.getByRole('dialog', { name: 'Add model' });
}

/** The text of what the button's aria-describedby points at (its accessible description). */
async function description(button: Locator): Promise<string> {
  const ids = (await button.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(ids.split(' ').filter(Boolean).map((id) => dash.page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ').trim();
}

describe('the Add model dialog', () => {
  it('opens from the header and lists the discovered model with size, quantization, context and memory', async () => {
    await dash.page.getByRole('banner').getByRole('button', { name: 'Add model', exact: true }).click();
    await dialog().waitFor({ timeout: WAIT_MS });
    const row = dialog().getByRole('table', { name: 'Discovered models' }).getByRole('row', { name: /Tiny-Q4_K_M/ });
    await waitForText(row, 'Q4_K_M', 'the quantization');
    await waitForText(row, '4k', 'the context length');
  });

  it('shows the plan on the Load control before the click, then loads with one click', async () => {
    const load = dialog().getByRole('button', { name: 'Load Tiny-Q4_K_M', exact: true });
    await load.hover();
    const tip = dialog().getByRole('tooltip');
    await waitForText(tip, 'Will start; nothing else is unloaded', 'the plan on hover');
    expect(await description(load)).toBe('Will start; nothing else is unloaded');
    await load.click();
    await waitUntil(async () => (await stage.model('Tiny-Q4_K_M')).state === 'ready', 'the discovered model loaded');
  });

  it('adds the discovered model to the config with one click; the comments stay', async () => {
    await dialog().getByRole('button', { name: 'Add Tiny-Q4_K_M to the config', exact: true }).click();
    await waitUntil(async () => (await stage.model('Tiny-Q4_K_M')).source === 'config', 'the model configured');
    await dialog().getByRole('row', { name: /Tiny-Q4_K_M/ }).waitFor({ state: 'detached', timeout: WAIT_MS });
    const text = stage.readConfig();
    expect(text).toContain('# Loadout e2e config: the comments must survive write-backs.');
    expect(text).toContain(`  Tiny-Q4_K_M:\n    backend: fake\n    model: ${join(folder, 'Tiny-Q4_K_M.gguf')}\n`);
  });

  it('adds a file by path; a bad path is refused with a message naming the field', async () => {
    const path = dialog().getByRole('combobox', { name: /Model file/ });
    await path.fill(join(stage.dir, 'elsewhere', 'missing.gguf'));
    await dialog().getByRole('button', { name: 'Add to config', exact: true }).click();
    await waitForText(dialog().getByRole('alert'), /^path: /, 'the refusal naming path');
    expect(await path.getAttribute('aria-invalid')).toBe('true');
    const file = join(stage.dir, 'elsewhere', 'Picked-Q8_0.gguf');
    await path.fill(file);
    await dialog().getByRole('button', { name: 'Add to config', exact: true }).click();
    await waitForText(dialog().getByRole('status'), 'Added Picked-Q8_0 to the config file.', 'the confirmation');
    expect(stage.readConfig()).toContain(`  Picked-Q8_0:\n    backend: fake\n    model: ${file}\n`);
  });

  it('closes with Escape; the added model is a row of the table', async () => {
    await dash.page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached', timeout: WAIT_MS });
    await dash.waitState('Picked-Q8_0', 'Stopped');
  });
});

describe('plans and refusals', () => {
  it('shows on focus what a Load will do: a refusal names the group, the pinned model and the way out', async () => {
    const load = dash.row('other').getByRole('button', { name: 'Load other', exact: true });
    await load.focus();
    await waitForText(dash.page.getByRole('tooltip'), `Will be refused: ${REFUSAL}`, 'the refusal in the plan');
    expect(await description(load)).toBe(`Will be refused: ${REFUSAL}`);
  });

  it('shows a refused load as a notice with the rule and the way out, not as the model\u2019s last error', async () => {
    await dash.row('other').getByRole('button', { name: 'Load other', exact: true }).click();
    const notices = dash.page.getByRole('alert', { name: 'Refused loads' });
    await waitForText(notices, REFUSAL, 'the refusal notice');
    await waitForText(notices, 'Did not load other.', 'the notice naming the model');
    expect(await dash.row('other').getByRole('button', { name: 'Show error for other' }).count()).toBe(0);
    expect((await stage.model('other')).error).toBeNull();
    await notices.getByRole('button', { name: 'Dismiss the notice about other' }).click();
    await notices.getByText(REFUSAL).waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  it('leaves no page errors behind', () => {
    // Chromium logs the 400 (bad path) and 409 (refusal) answers this file asks for on purpose.
    const asked = /^Failed to load resource: the server responded with a status of (400|409) /;
    expect(dash.problems.filter((p) => !(p.kind === 'console' && asked.test(p.text)))).toEqual([]);
  });
});
