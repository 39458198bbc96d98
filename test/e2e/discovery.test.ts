// Discovered models in the dashboard: a GGUF file in a discover folder is a row with what its header
// says, loads with one click and is added to the config with another; config warnings show as a banner.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llamaMetadata, writeGguf } from '../helpers/gguf-writer.js';
import { Stage, useStage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

let dash: Dashboard;
// The second folder does not exist: a warning, shown on the page.
const stage = useStage(new Stage({ models: { configured: {} }, discover: ['gguf', 'not-there'] }), (d) => (dash = d), () => {
  writeGguf(join(folder, 'Tiny-Q4_K_M.gguf'), { metadata: llamaMetadata({ 'general.architecture': 'qwen3', 'qwen3.context_length': 2048 }) });
});
const folder = join(stage.dir, 'gguf');

describe('discovered models in the dashboard', () => {
  it('shows a found GGUF file as a model with its architecture and quantization', async () => {
    await dash.waitState('Tiny-Q4_K_M', 'Stopped');
    await waitForText(dash.row('Tiny-Q4_K_M').getByRole('rowheader'), 'discovered · qwen3', 'the GGUF facts under the name');
    await waitForText(dash.row('Tiny-Q4_K_M').getByRole('rowheader'), 'Q4_K_M', 'the quantization');
  });

  it('shows the config warnings in a banner, naming the missing folder', async () => {
    const banner = dash.page.getByRole('status', { name: 'Config warnings' });
    await waitForText(banner, `${join(stage.dir, 'not-there')} does not exist`, 'the warning banner');
  });

  it('loads it with one click', async () => {
    await dash.page.getByRole('button', { name: 'Load Tiny-Q4_K_M', exact: true }).click();
    await dash.waitState('Tiny-Q4_K_M', 'Ready');
    expect((await stage.model('Tiny-Q4_K_M')).pid).toBeGreaterThan(0);
  });

  it('adds it to the config with one click; the comments stay', async () => {
    await dash.page.getByRole('button', { name: 'Add Tiny-Q4_K_M to the config', exact: true }).click();
    await waitUntil(async () => (await stage.model('Tiny-Q4_K_M')).source === 'config', 'the model configured');
    await dash.page.getByRole('button', { name: 'Add Tiny-Q4_K_M to the config', exact: true }).waitFor({ state: 'detached', timeout: WAIT_MS });
    const text = stage.readConfig();
    expect(text).toContain('# Loadout e2e config: the comments must survive write-backs.');
    expect(text).toContain(`  Tiny-Q4_K_M:\n    backend: fake\n    model: ${join(folder, 'Tiny-Q4_K_M.gguf')}\n`);
    await dash.waitState('Tiny-Q4_K_M', 'Ready');
  });
});
