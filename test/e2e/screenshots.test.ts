// Screenshots of a busy dashboard (two fake GPUs, several loaded models, a pinned one, a concurrency
// group, a failure, some history) for docs/: light and dark at 1280×800, and light at 1024×700, the
// smallest size the layout is designed for. Rewrites docs/screenshot-*.png on every run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, Stage, waitForText, waitUntil, WAIT_MS, type Dashboard } from './harness.js';

const GPUS = 'NVIDIA GeForce RTX 4090:24564,NVIDIA GeForce RTX 3090:24576';
/** gemma's load goes on (at 45 %) until this file exists: the screenshot of a load in progress. */
const GEMMA_HEALTHY = join(mkdtempSync(join(tmpdir(), 'loadout-shots-gemma-')), 'healthy');

const stage = new Stage({
  gpus: GPUS,
  gpuBaseUsedMib: 612,
  watchdog: { idle_check: true, idle_timeout: '30m', max_active: 5 },
  models: {
    'gemma-2-27b': { args: `--vram-mib 14336 --progress 12,45 --healthy-when ${GEMMA_HEALTHY}` },
    'deepseek-coder-v2-lite': { args: '--vram-mib 9216', groups: ['coder'], aliases: ['coder-lite'] },
    'llama-3.1-8b-instruct': { args: '--vram-mib 6144', aliases: ['chat'] },
    'mistral-nemo-12b': { args: '--vram-mib 8448' },
    'nomic-embed-text-v1.5': { args: '--vram-mib 512', aliases: ['embed'] },
    'phi-3.5-mini': { args: `--exit-at-start 1 --message "error: failed to open GGUF file 'phi-3.5-mini-Q4_K_M.gguf'"` },
    'qwen2.5-coder-14b': { args: '--vram-mib 10240', groups: ['coder'] },
  },
});

beforeAll(async () => {
  await stage.start();
});

afterAll(async () => {
  const left = await stage.stop();
  expect(left, 'backends still alive after the service stopped').toEqual([]);
});

async function load(name: string): Promise<number> {
  const r = await stage.api<{ pid: number }>('POST', `/api/models/${encodeURIComponent(name)}/load`);
  expect(r.status, `load ${name}`).toBe(200);
  return r.json.pid;
}

/** The fake nvidia-smi places a process on a device by its file in FAKE_GPU_DIR: `MIB@INDEX`. */
function moveToGpu(pid: number, mib: number, index: number): void {
  writeFileSync(join(stage.gpuDir, String(pid)), `${mib}@${index}`);
}

/** Puts the page in the state the screenshots show, with nothing hovered or focused. */
async function prepare(dash: Dashboard): Promise<void> {
  const page = dash.page;
  await page.getByRole('button', { name: 'Show logs for qwen2.5-coder-14b', exact: true }).click();
  await waitForText(page.getByRole('log', { name: 'Log of qwen2.5-coder-14b' }).getByRole('listitem'), 'all slots are idle', 'the log of qwen');
  // The VRAM panel shows both devices with each model's share, not "No GPU data yet".
  for (const name of ['GPU 0 · NVIDIA GeForce RTX 4090', 'GPU 1 · NVIDIA GeForce RTX 3090']) {
    await page.getByRole('heading', { name, exact: true }).waitFor({ timeout: WAIT_MS });
  }
  // Each device's stacked bar names the models holding its memory; "other" is exactly the base use
  // once the device totals have caught up with the models moved to GPU 1.
  await page.getByRole('img', { name: /^GPU 0 .*: qwen2\.5-coder-14b 10\.0 GiB, llama-3\.1-8b-instruct 6\.0 GiB, Other processes 612\.0 MiB, Free/ }).waitFor({ timeout: WAIT_MS });
  await page.getByRole('img', { name: /^GPU 1 .*: mistral-nemo-12b 8\.3 GiB, nomic-embed-text-v1\.5 512\.0 MiB, Other processes 612\.0 MiB, Free/ }).waitFor({ timeout: WAIT_MS });
  expect(await page.getByText('No GPU data yet').count()).toBe(0);
  // The history charts stack each model's memory over time: two models on each device.
  await page.locator('path.chart-band').nth(3).waitFor({ timeout: WAIT_MS });
  await waitForText(page.locator('.vram-summary'), 'VRAM', 'the VRAM total in the header');
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.mouse.move(0, 0);
}

/** `npm run screenshots` refreshes the README's pictures in docs/; a plain test run keeps them elsewhere. */
const SHOTS_DIR = process.env.LOADOUT_UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs') : mkdtempSync(join(tmpdir(), 'loadout-shots-'));

async function shoot(dash: Dashboard, file: string): Promise<void> {
  await dash.page.screenshot({ path: join(SHOTS_DIR, file), fullPage: true, animations: 'disabled', caret: 'hide' });
}

/** Nothing sticks out sideways: the page and every panel fit their width. */
async function overflowingPanels(dash: Dashboard): Promise<string[]> {
  return dash.page.evaluate(`(() => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push('page ' + root.scrollWidth + ' > ' + root.clientWidth);
    for (const panel of document.querySelectorAll('.panel')) {
      const r = panel.getBoundingClientRect();
      if (r.right > root.clientWidth + 0.5) out.push((panel.getAttribute('aria-label') || panel.className) + ' ends at ' + r.right);
    }
    for (const el of document.querySelectorAll('.panel-head, .device-head, .settings-footer, .app-header')) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(el.className + ' overflows by ' + (el.scrollWidth - el.clientWidth) + 'px');
    }
    return out;
  })()`);
}

describe('screenshots', () => {
  it('renders a busy dashboard in light, dark and at 1024×700', async () => {
    // History: deepseek is loaded, then qwen takes the `coder` group from it.
    await load('deepseek-coder-v2-lite');
    await load('llama-3.1-8b-instruct');
    const light = await stage.open({ colorScheme: 'light' });
    await light.page.getByRole('button', { name: 'Load qwen2.5-coder-14b', exact: true }).click();
    await light.waitState('qwen2.5-coder-14b', 'Ready');
    await light.eventRow('model_evicted', 'deepseek-coder-v2-lite', 'group').first().waitFor({ timeout: WAIT_MS });
    await light.page.getByRole('switch', { name: 'Pin llama-3.1-8b-instruct', exact: true }).click();
    await light.page.getByRole('switch', { name: 'Pin llama-3.1-8b-instruct', exact: true, checked: true }).waitFor({ timeout: WAIT_MS });
    moveToGpu(await load('mistral-nemo-12b'), 8448, 1);
    moveToGpu(await load('nomic-embed-text-v1.5'), 512, 1);
    // A failed load from outside the page: the row shows it, without a toast over the screenshot.
    expect((await stage.api('POST', '/api/models/phi-3.5-mini/load')).status).toBe(502);
    await light.waitState('phi-3.5-mini', 'Failed');
    const chat = await stage.api('POST', '/v1/chat/completions', { model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(200);
    expect((await stage.api('PATCH', '/api/settings', { busy_check: true, busy_timeout: '10m' })).status).toBe(200);
    await waitUntil(async () => (await stage.api<{ processes: { model: string | null }[] }>('GET', '/api/gpu')).json.processes.filter((p) => p.model).length === 4, 'four models attributed on the GPUs');

    await prepare(light);
    expect(await overflowingPanels(light)).toEqual([]);
    await shoot(light, 'screenshot-light.png');

    const dark = await stage.open({ colorScheme: 'dark' });
    await prepare(dark);
    expect(await dark.page.evaluate('getComputedStyle(document.documentElement).colorScheme')).toBe('dark');
    await shoot(dark, 'screenshot-dark.png');

    const small = await stage.open({ viewport: { width: 1024, height: 700 } });
    await prepare(small);
    expect(await overflowingPanels(small)).toEqual([]);
    await shoot(small, 'screenshot-1024.png');

    for (const d of [light, dark, small]) {
      expect(d.problems).toEqual([]);
      await d.close();
    }
  });

  it('shows a load in progress beside the plan of another load, and the cards of a phone-sized window', async () => {
    const live = await stage.open({ colorScheme: 'light' });
    await prepare(live);
    const page = live.page;
    const loading = stage.api<{ error: { code: string } }>('POST', '/api/models/gemma-2-27b/load');
    const bar = page.getByRole('progressbar', { name: 'Loading gemma-2-27b', exact: true });
    await waitUntil(async () => (await bar.getAttribute('aria-valuenow').catch(() => null)) === '45', 'gemma at 45 %');
    // The plan of loading deepseek, shown on hover before any click.
    await page.getByRole('button', { name: 'Load deepseek-coder-v2-lite', exact: true }).hover();
    await waitForText(page.getByRole('tooltip'), 'qwen2.5-coder-14b', 'the plan naming the model it unloads');
    await shoot(live, 'screenshot-progress-plan.png');

    const phone = await stage.open({ colorScheme: 'dark', viewport: { width: 390, height: 844 } });
    await phone.page.getByRole('progressbar', { name: 'Loading gemma-2-27b', exact: true }).waitFor({ timeout: WAIT_MS });
    await phone.page.evaluate('document.activeElement && document.activeElement.blur()');
    expect(await phone.page.evaluate('document.scrollingElement.scrollWidth <= innerWidth')).toBe(true);
    await shoot(phone, 'screenshot-390.png');

    await page.getByRole('button', { name: 'Cancel loading gemma-2-27b', exact: true }).click();
    const r = await loading;
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('load_cancelled');
    for (const d of [live, phone]) {
      expect(d.problems).toEqual([]);
      await d.close();
    }
  });
});
