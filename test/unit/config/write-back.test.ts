import { chmod, lstat, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { ModelConfig } from '../../../electron/engine/config/types.js';
import { writePinned, writeWatchdogSettings } from '../../../electron/engine/config/write-back.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

const CONFIG = `# My models.   Odd   spacing is kept.
listen: "127.0.0.1:11500"   # quoted on purpose

watchdog:
  idle_timeout: 15m # fifteen minutes
  max_active: 0

models:
  # The big one.
  qwen3-8b:
    backend: llama-server          # template
    model: ~/models/Qwen3-8B.gguf
    args: '-c 8192   -ngl 99'
    concurrency_groups: [big,  gpu]   # flow list, odd spacing
    ttl: 30m

  embedder:
    cmd: my-server --port \${PORT}
    pinned: true  # keep it warm
    env:
      CUDA_VISIBLE_DEVICES: "1"
# trailing comment
`;

async function modelsOf(file: string): Promise<Map<string, ModelConfig>> {
  const r = await loadConfig(file, { homeDir: '/home/user', env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return new Map(r.config.models.map((m) => [m.name, m]));
}

async function setup(text = CONFIG) {
  const file = await tmp.write('config.yaml', text);
  return { file, models: await modelsOf(file) };
}

function get(models: Map<string, ModelConfig>, name: string): ModelConfig {
  const m = models.get(name);
  if (!m) throw new Error(`no model ${name}`);
  return m;
}

describe('writePinned', () => {
  it('adds pinned: true under the model and changes nothing else', async () => {
    const { file, models } = await setup();
    await writePinned(get(models, 'qwen3-8b'), true);
    expect(await readFile(file, 'utf8')).toBe(CONFIG.replace('    ttl: 30m\n', '    ttl: 30m\n    pinned: true\n'));
    expect(get(await modelsOf(file), 'qwen3-8b').pinned).toBe(true);
  });

  it('flips an existing value in place, keeping its trailing comment', async () => {
    const { file, models } = await setup();
    await writePinned(get(models, 'embedder'), false);
    expect(await readFile(file, 'utf8')).toBe(CONFIG.replace('pinned: true  # keep it warm', 'pinned: false  # keep it warm'));
  });

  it('inserts after a nested block value at the model indentation', async () => {
    const text = CONFIG.replace('    pinned: true  # keep it warm\n', '');
    const { file, models } = await setup(text);
    await writePinned(get(models, 'embedder'), true);
    expect(await readFile(file, 'utf8')).toBe(text.replace('      CUDA_VISIBLE_DEVICES: "1"\n', '      CUDA_VISIBLE_DEVICES: "1"\n    pinned: true\n'));
  });

  it('does not touch the file when unpinning a model that was never pinned', async () => {
    const { file, models } = await setup();
    const before = await stat(file);
    await writePinned(get(models, 'qwen3-8b'), false);
    expect(await readFile(file, 'utf8')).toBe(CONFIG);
    expect((await stat(file)).ino).toBe(before.ino);
  });

  it('writes a models_dir model into its own file, top level, keeping LocalAI keys', async () => {
    const localAi = 'name: qwen\nbackend: llama-cpp # LocalAI\nparameters:\n  model: q.gguf\nf16: true\n';
    const config = await tmp.write('config.yaml', 'models_dir: models\n');
    const modelFile = await tmp.write('models/qwen.yaml', localAi);
    const m = get(await modelsOf(config), 'qwen');
    await writePinned(m, true);
    expect(await readFile(modelFile, 'utf8')).toBe(`${localAi}pinned: true\n`);
    expect(await readFile(config, 'utf8')).toBe('models_dir: models\n');
    expect(get(await modelsOf(config), 'qwen').pinned).toBe(true);
  });

  it('replaces the file atomically: same mode, no temp files left behind', async () => {
    const { file, models } = await setup();
    await chmod(file, 0o640);
    const before = await stat(file);
    await writePinned(get(models, 'qwen3-8b'), true);
    const after = await stat(file);
    expect(after.mode & 0o7777).toBe(0o640);
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(tmp.dir())).toEqual(['config.yaml']);
  });

  it('writes through a symlinked config to its target', async () => {
    const { file, models } = await setup();
    const link = path.join(tmp.dir(), 'link.yaml');
    await symlink(file, link);
    await writePinned({ ...get(models, 'qwen3-8b'), sourceFile: link }, true);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(file, 'utf8')).toContain('    pinned: true\n');
  });

  it('serializes concurrent writes to one file so none is lost', async () => {
    const { file, models } = await setup();
    await Promise.all([
      writePinned(get(models, 'qwen3-8b'), true),
      writePinned(get(models, 'embedder'), false),
      writeWatchdogSettings(file, { max_active: 2 }),
    ]);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('    ttl: 30m\n    pinned: true\n');
    expect(text).toContain('pinned: false  # keep it warm');
    expect(text).toContain('  max_active: 2\n');
  });

  it('falls back to the Document API for a flow-style model, keeping comments', async () => {
    const text = '# top\nmodels:\n  m: { cmd: "s ${PORT}" } # flow\n';
    const { file, models } = await setup(text);
    await writePinned(get(models, 'm'), true);
    const after = await readFile(file, 'utf8');
    expect(after).toContain('# top\n');
    expect(after).toContain('# flow');
    expect(get(await modelsOf(file), 'm').pinned).toBe(true);
  });

  it('refuses when the model is no longer in the file, and when the file is not valid YAML', async () => {
    const { file, models } = await setup();
    await tmp.write('config.yaml', 'models: {}\n');
    await expect(writePinned(get(models, 'qwen3-8b'), true)).rejects.toThrow(/no longer defined/);
    await tmp.write('config.yaml', 'models:\n  qwen3-8b: [\n');
    await expect(writePinned(get(models, 'qwen3-8b'), true)).rejects.toThrow(/cannot edit/);
    expect(await readFile(file, 'utf8')).toBe('models:\n  qwen3-8b: [\n');
  });
});

describe('writeWatchdogSettings', () => {
  it('sets existing keys in place and appends new ones to watchdog:', async () => {
    const { file } = await setup();
    await writeWatchdogSettings(file, { idle_timeout: '5m', busy_check: true });
    expect(await readFile(file, 'utf8')).toBe(
      CONFIG.replace('  idle_timeout: 15m # fifteen minutes\n  max_active: 0\n', '  idle_timeout: 5m # fifteen minutes\n  max_active: 0\n  busy_check: true\n'),
    );
  });

  it('creates the watchdog: map when it is missing', async () => {
    const text = '# only a comment\nlisten: 127.0.0.1:1\n';
    const { file } = await setup(text);
    await writeWatchdogSettings(file, { max_active: 3, vram_headroom: '1GiB' });
    const r = await loadConfig(file, { env: {} });
    expect(r.ok && [r.config.watchdog.maxActive, r.config.watchdog.vramHeadroomBytes]).toEqual([3, 1024 ** 3]);
    expect(await readFile(file, 'utf8')).toBe(`${text}watchdog:\n  max_active: 3\n  vram_headroom: 1GiB\n`);
  });

  it('fills a watchdog: key that has no value yet', async () => {
    const { file } = await setup('watchdog:\nmodels: {}\n');
    await writeWatchdogSettings(file, { max_active: 4 });
    const r = await loadConfig(file, { env: {} });
    expect(r.ok && r.config.watchdog.maxActive).toBe(4);
  });

  it('rejects keys and values the settings schema does not accept, leaving the file alone', async () => {
    const { file } = await setup();
    await expect(writeWatchdogSettings(file, { idle_timeot: '5m' })).rejects.toThrow(/invalid watchdog settings/);
    await expect(writeWatchdogSettings(file, { max_active: -1 })).rejects.toThrow(/invalid watchdog settings/);
    expect(await readFile(file, 'utf8')).toBe(CONFIG);
  });
});
