import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverModels } from '../../../electron/engine/discovery/discover-models.js';
import { groupGgufFiles } from '../../../electron/engine/discovery/group-gguf-files.js';
import { ggufBytes, llamaMetadata, writeGguf } from '../../helpers/gguf-writer.js';
import { useTempDir } from '../config/temp-dir.js';

const tmp = useTempDir();

describe('groupGgufFiles', () => {
  it('makes a split model one model, named by its first shard', () => {
    const g = groupGgufFiles(['/m/q-00002-of-00002.gguf', '/m/q-00001-of-00002.gguf']);
    expect(g.models).toEqual([{ file: '/m/q-00001-of-00002.gguf', mmproj: null }]);
    expect(g.orphans).toEqual([]);
  });

  it('reports later shards whose first shard is not there', () => {
    expect(groupGgufFiles(['/m/q-00002-of-00003.gguf']).orphans).toEqual([{ file: '/m/q-00002-of-00003.gguf', reason: 'shard 2 of 3 without its first shard' }]);
  });

  it('attaches the mmproj file to every model in its folder, preferring an f16 one', () => {
    const g = groupGgufFiles(['/a/gemma-Q4_K_M.gguf', '/a/gemma-Q8_0.gguf', '/a/mmproj-gemma-f32.gguf', '/a/mmproj-gemma-f16.gguf', '/b/other.gguf']);
    expect(g.models).toEqual([
      { file: '/a/gemma-Q4_K_M.gguf', mmproj: '/a/mmproj-gemma-f16.gguf' },
      { file: '/a/gemma-Q8_0.gguf', mmproj: '/a/mmproj-gemma-f16.gguf' },
      { file: '/b/other.gguf', mmproj: null },
    ]);
  });
});

describe('discoverModels', () => {
  it('lists each model with the facts from its header', async () => {
    const dir = tmp.dir();
    const file = writeGguf(path.join(dir, 'lmstudio', 'org', 'repo', 'Tiny-Q4_K_M.gguf'), { metadata: llamaMetadata(), tensors: [{ name: 'w', shape: [32, 4] }] });
    const r = await discoverModels([dir]);
    expect(r.warnings).toEqual([]);
    expect(r.models).toEqual([
      {
        name: 'Tiny-Q4_K_M',
        file,
        mmproj: null,
        facts: { files: [file], sizeBytes: ggufBytes({ metadata: llamaMetadata(), tensors: [{ name: 'w', shape: [32, 4] }] }).length, architecture: 'llama', parameterCount: 128, quantization: 'Q4_K_M', contextLength: 4096 },
      },
    ]);
  });

  it('lists a split model once, with the size and parameters of all its shards', async () => {
    const dir = tmp.dir();
    for (let i = 1; i <= 2; i++) writeGguf(path.join(dir, `Big-Q8_0-0000${i}-of-00002.gguf`), { metadata: llamaMetadata({ 'split.count': 2 }), tensors: [{ name: `t${i}`, shape: [100] }] });
    const r = await discoverModels([dir]);
    expect(r.models.map((m) => [m.name, m.facts.files.length, m.facts.parameterCount])).toEqual([['Big-Q8_0', 2, 200]]);
  });

  it('attaches a projector and does not list it as a model', async () => {
    const dir = tmp.dir();
    writeGguf(path.join(dir, 'vision-Q4_K_M.gguf'), { metadata: llamaMetadata() });
    const proj = writeGguf(path.join(dir, 'mmproj-vision-f16.gguf'), { metadata: { 'general.architecture': 'clip' } });
    const r = await discoverModels([dir]);
    expect(r.models.map((m) => [m.name, m.mmproj])).toEqual([['vision-Q4_K_M', proj]]);
  });

  it("names a generically named file after the header's name and quantization", async () => {
    const dir = tmp.dir();
    writeGguf(path.join(dir, 'snapshots', 'abc', 'model.gguf'), { metadata: llamaMetadata({ 'general.name': 'Qwen3 8B' }) });
    expect((await discoverModels([dir])).models.map((m) => m.name)).toEqual(['Qwen3-8B-Q4_K_M']);
  });

  it('follows symlinked files, as in the Hugging Face cache', async () => {
    const dir = tmp.dir();
    const blob = writeGguf(path.join(dir, 'blobs', 'sha256-abc'), { metadata: llamaMetadata() });
    mkdirSync(path.join(dir, 'snapshots', 'x'), { recursive: true });
    symlinkSync(blob, path.join(dir, 'snapshots', 'x', 'linked-Q4_K_M.gguf'));
    expect((await discoverModels([dir])).models.map((m) => m.name)).toEqual(['linked-Q4_K_M']);
  });

  it('gives repeated names a suffix so every file stays reachable', async () => {
    const dir = tmp.dir();
    writeGguf(path.join(dir, 'a', 'same.gguf'), { metadata: llamaMetadata() });
    writeGguf(path.join(dir, 'b', 'same.gguf'), { metadata: llamaMetadata() });
    expect((await discoverModels([dir])).models.map((m) => m.name)).toEqual(['same', 'same-2']);
  });

  it('leaves out, with a warning naming each file, what cannot be used', async () => {
    const dir = tmp.dir();
    writeFileSync(path.join(dir, 'html.gguf'), '<html></html>');
    writeGguf(path.join(dir, 'cut.gguf'), { metadata: llamaMetadata(), truncateTo: 50 });
    writeGguf(path.join(dir, 'ok.gguf'), { metadata: llamaMetadata() });
    const missing = path.join(dir, 'gone');
    const r = await discoverModels([dir, missing]);
    expect(r.models.map((m) => m.name)).toEqual(['ok']);
    expect(r.missing).toEqual([missing]);
    expect(r.warnings).toEqual([
      `discover: ${missing} does not exist; no models found there`,
      expect.stringMatching(/cut\.gguf: skipped, .*truncated/),
      expect.stringMatching(/html\.gguf: skipped, .*not a GGUF file/),
    ]);
  });
});
