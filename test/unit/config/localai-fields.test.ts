import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../electron/engine/config/load-config.js';
import type { LoadoutConfig } from '../../../electron/engine/config/types.js';
import { useTempDir } from './temp-dir.js';

const tmp = useTempDir();

/** A config whose models_dir holds `files` (name → YAML text). */
async function load(files: Record<string, string>, main = ''): Promise<{ config: LoadoutConfig; warnings: string[] }> {
  await mkdir(path.join(tmp.dir(), 'models'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await tmp.write(path.join('models', name), text);
  const file = await tmp.write('config.yaml', `models_dir: models\n${main}`);
  const r = await loadConfig(file, { homeDir: '/home/user', env: {}, llamaServerOnPath: true });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r;
}

describe('LocalAI model files, every field accounted for', () => {
  it('maps embeddings, mmproj, threads, gpu_layers, f16 and options parallel:N onto llama-server flags', async () => {
    const { config, warnings } = await load({
      'vision.yaml': [
        'name: vision',
        'backend: llama-cpp',
        'parameters: { model: gemma.gguf }',
        'context_size: 4096',
        'gpu_layers: 20',
        'threads: 6',
        'embeddings: true',
        'mmproj: mmproj-gemma.gguf',
        'f16: false',
        'options: ["parallel:4"]',
      ].join('\n'),
    });
    expect(warnings).toEqual([]);
    const dir = path.join(tmp.dir(), 'models');
    expect(config.models[0]).toMatchObject({
      name: 'vision',
      args: `-c 4096 -ngl 20 -t 6 -np 4 --embeddings --mmproj ${path.join(dir, 'mmproj-gemma.gguf')} --cache-type-k f32 --cache-type-v f32`,
      contextSize: 4096, gpuLayers: 20, threads: 6, parallel: 4, embeddings: true, f16: false, mmproj: path.join(dir, 'mmproj-gemma.gguf'),
    });
  });

  it('does not load a disabled model', async () => {
    const { config } = await load({ 'off.yaml': 'name: off\ndisabled: true\nparameters: { model: x.gguf }\n', 'on.yaml': 'name: on\nparameters: { model: y.gguf }\n' });
    expect(config.models.map((m) => m.name)).toEqual(['on']);
  });

  it('warns for every key it ignores, naming the file and the key', async () => {
    const { config, warnings } = await load({
      'chat.yaml': 'name: chat\nparameters: { model: c.gguf, temperature: 0.2 }\ntemplate: { chat: chatml }\nstopwords: ["</s>"]\noptions: ["parallel:2", "use_jinja:true"]\n',
    });
    const file = path.join(tmp.dir(), 'models', 'chat.yaml');
    expect(config.models[0]?.parallel).toBe(2);
    expect(warnings).toEqual([
      `${file}: template: ignored, Loadout does not use this LocalAI key`,
      `${file}: stopwords: ignored, Loadout does not use this LocalAI key`,
      `${file}: parameters.temperature: ignored, request defaults are not applied (clients send their own)`,
      `${file}: options.1: "use_jinja:true" ignored, Loadout reads only parallel:N`,
    ]);
  });

  it('warns when a backend cannot be told about an option, instead of dropping it', async () => {
    const { warnings } = await load({}, 'models:\n  own:\n    cmd: my-server --port ${PORT}\n    threads: 4\n    embeddings: true\n');
    expect(warnings).toEqual([
      expect.stringMatching(/config\.yaml: models\.own\.embeddings: ignored, its own cmd is not told about it/),
      expect.stringMatching(/config\.yaml: models\.own\.threads: ignored, its own cmd is not told about it/),
    ]);
  });

  it('passes the options to llama-server from the main config too', async () => {
    const { config } = await load({}, 'models:\n  m:\n    model: /m/a.gguf\n    mmproj: /m/p.gguf\n    parallel: 2\n');
    expect(config.models[0]?.args).toBe('-np 2 --mmproj /m/p.gguf');
  });
});
