import { cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { LoadoutConfig } from '../../../electron/engine/config/types.js';
import { useTempDir } from './temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const HOME = '/home/user';
const tmp = useTempDir();

async function loadFixture(name: string) {
  return loadConfig(path.join(FIXTURES, name, 'config.yaml'), { homeDir: HOME, env: {}, llamaServerOnPath: true });
}

async function okFixture(name: string): Promise<{ config: LoadoutConfig; warnings: string[] }> {
  const r = await loadFixture(name);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r;
}

describe('models_dir (LocalAI model files)', () => {
  it('maps a llama-cpp LocalAI file onto the llama-server template', async () => {
    const { config } = await okFixture('models-dir');
    const dir = path.join(FIXTURES, 'models-dir', 'models');
    expect(config.modelsDir).toBe(dir);
    expect(config.models.find((m) => m.name === 'qwen-localai')).toEqual({
      name: 'qwen-localai',
      backend: 'llama-server',
      cmd: 'llama-server --host 127.0.0.1 --port ${PORT} -m ${MODEL} --alias ${NAME} ${ARGS}',
      health: '/health',
      model: path.join(dir, 'Qwen3-8B-Q4_K_M.gguf'),
      args: '-c 8192 -ngl 99',
      env: {},
      aliases: [],
      pinned: true,
      groups: ['big'],
      ttlMs: null,
      vramBytes: null,
      contextSize: 8192,
      unlisted: false,
      responseTimeoutMs: null,
      preload: false,
      protocol: 'http',
      sourceFile: path.join(dir, 'qwen.yaml'),
      sourceKind: 'models_dir',
      mmproj: null,
      embeddings: false,
      threads: null,
      parallel: null,
      gpuLayers: 99,
      f16: true,
    });
  });

  it('treats a file without backend as llama.cpp and reads loadout extras', async () => {
    const { config } = await okFixture('models-dir');
    expect(config.models.find((m) => m.name === 'embed-localai')).toMatchObject({
      backend: 'llama-server',
      model: '/opt/models/nomic-embed.gguf',
      args: '--embedding',
      aliases: ['text-embedding-3-small'],
      ttlMs: 120_000,
      sourceFile: path.join(FIXTURES, 'models-dir', 'models', 'embed.yml'),
    });
  });

  it('runs a llama-cpp LocalAI file on the built-in backend when llama-server is not installed, with the same options', async () => {
    const r = await loadConfig(path.join(FIXTURES, 'models-dir', 'config.yaml'), { homeDir: HOME, env: {}, llamaServerOnPath: false });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.config.models.find((m) => m.name === 'qwen-localai')).toMatchObject({ backend: 'builtin', args: '-c 8192 -ngl 99', contextSize: 8192, protocol: 'http' });
  });

  it('runs a LocalAI backend through a template of the main config', async () => {
    const { config } = await okFixture('models-dir');
    expect(config.models.find((m) => m.name === 'custom-localai')).toMatchObject({
      backend: 'vllm',
      cmd: 'vllm serve ${MODEL} --port ${PORT}',
      health: '/v1/models',
      model: '/home/user/hf/Qwen3-8B',
      vramBytes: 12 * 1024 ** 3,
    });
  });

  it('skips, with a warning, a LocalAI backend it cannot launch, and ignores non-YAML files', async () => {
    const { config, warnings } = await okFixture('models-dir');
    expect(config.models.map((m) => m.name)).toEqual(['chat', 'custom-localai', 'embed-localai', 'qwen-localai']);
    expect(warnings).toContainEqual(expect.stringMatching(/whisper\.yaml: backend "whisper" has no loadout template/));
  });

  // Issue 8: a dropped-in model file could run any command, or inject LD_PRELOAD, when loaded.
  it('refuses a models_dir file that sets cmd or env, naming the file, line and key', async () => {
    const { config, warnings } = await okFixture('models-dir');
    const dir = path.join(FIXTURES, 'models-dir', 'models');
    expect(config.models.map((m) => m.name)).not.toContain('sneaky-cmd');
    expect(config.models.map((m) => m.name)).not.toContain('sneaky-env');
    expect(warnings).toContainEqual(`${path.join(dir, 'own-cmd.yaml')}:3:1: cmd: only the main config may set cmd (a models_dir file cannot run commands or change a backend's environment); model "sneaky-cmd" not loaded — define it in the main config or use a backend template from there`);
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^${path.join(dir, 'preload.yaml')}:4:1: env: only the main config may set env`)));
    expect(warnings.filter((w) => w.includes('only the main config may set'))).toHaveLength(2);
  });

  it('reports an invalid models_dir file by its own path, line and key', async () => {
    const r = await loadFixture('bad-models-dir');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({
      file: path.join(FIXTURES, 'bad-models-dir', 'models', 'broken.yaml'),
      line: 4,
      column: 15,
      key: 'context_size',
    });
  });

  it('rejects a models_dir model whose name the main config already uses', async () => {
    const r = await loadFixture('clash-models-dir');
    expect(!r.ok && r.error).toMatchObject({
      file: path.join(FIXTURES, 'clash-models-dir', 'models', 'qwen.yaml'),
      line: 3,
      column: 1,
      key: 'name',
      message: expect.stringMatching(/"qwen" is already used by models\.qwen/),
    });
  });

  it('reports a YAML syntax error in a models_dir file with its position', async () => {
    await cp(path.join(FIXTURES, 'models-dir'), tmp.dir(), { recursive: true });
    await tmp.write('models/zz.yaml', 'name: zz\nparameters: [oops\n');
    const r = await loadConfig(path.join(tmp.dir(), 'config.yaml'), { homeDir: HOME, env: {} });
    expect(!r.ok && r.error).toMatchObject({ file: path.join(tmp.dir(), 'models', 'zz.yaml'), line: 2 });
  });

  it('requires a name in a models_dir file', async () => {
    await tmp.write('config.yaml', 'models_dir: models\n');
    await tmp.write('models/anon.yaml', 'parameters:\n  model: a.gguf\n');
    const r = await loadConfig(path.join(tmp.dir(), 'config.yaml'), { homeDir: HOME, env: {} });
    expect(!r.ok && r.error).toMatchObject({ file: path.join(tmp.dir(), 'models', 'anon.yaml'), key: 'name', message: 'required' });
  });

  it('warns, and loads nothing from it, when models_dir does not exist', async () => {
    await tmp.write('config.yaml', 'models_dir: nowhere\n');
    const r = await loadConfig(path.join(tmp.dir(), 'config.yaml'), { homeDir: HOME, env: {} });
    expect(r.ok && r.warnings).toEqual([expect.stringMatching(/models_dir .*nowhere does not exist/)]);
  });
});
