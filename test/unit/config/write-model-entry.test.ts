import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_TEXT } from '../../../electron/engine/config/default-config.js';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import { writeModelEntry } from '../../../electron/engine/config/write-back.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

const CONFIG = `# My models.
listen: 127.0.0.1:11500   # the API

models:
  # The big one.
  qwen3-8b:
    model: ~/models/Qwen3-8B.gguf   # by hand
    pinned: true
# trailing comment
`;

async function modelNames(file: string): Promise<string[]> {
  const r = await loadConfig(file, { homeDir: '/home/user', env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.config.models.map((m) => m.name);
}

describe('writeModelEntry (adding a discovered model to the config)', () => {
  it('appends the model under models: and leaves every other byte as it was', async () => {
    const file = await tmp.write('config.yaml', CONFIG);
    await writeModelEntry(file, 'Tiny-Q4_K_M', { backend: 'llama-server', model: '/data/models/Tiny Q4_K_M.gguf' });
    expect(await readFile(file, 'utf8')).toBe(
      CONFIG.replace('    pinned: true\n', '    pinned: true\n  Tiny-Q4_K_M:\n    backend: llama-server\n    model: /data/models/Tiny Q4_K_M.gguf\n'),
    );
    expect(await modelNames(file)).toEqual(['Tiny-Q4_K_M', 'qwen3-8b']);
  });

  it('fills the empty models: of the default config, keeping its comments', async () => {
    const file = await tmp.write('config.yaml', DEFAULT_CONFIG_TEXT);
    await writeModelEntry(file, 'Tiny', { model: '/m/Tiny.gguf' });
    expect(await readFile(file, 'utf8')).toBe(DEFAULT_CONFIG_TEXT.replace('\nmodels:\n', '\nmodels:\n  Tiny:\n    model: /m/Tiny.gguf\n'));
    expect(await modelNames(file)).toEqual(['Tiny']);
  });

  it('refuses to add a model that is already there', async () => {
    const file = await tmp.write('config.yaml', CONFIG);
    await expect(writeModelEntry(file, 'qwen3-8b', { model: '/x.gguf' })).rejects.toThrow(/models\.qwen3-8b already exists/);
    expect(await readFile(file, 'utf8')).toBe(CONFIG);
  });
});
