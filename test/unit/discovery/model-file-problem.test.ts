import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFileProblem } from '../../../electron/engine/gguf/model-file-problem.js';
import { llamaMetadata, writeGguf } from '../../helpers/gguf-writer.js';
import { useTempDir } from '../config/temp-dir.js';
import { model } from '../engine/harness.js';

const tmp = useTempDir();

describe('modelFileProblem (checked before a backend is spawned)', () => {
  it('accepts a complete GGUF model', async () => {
    const file = writeGguf(path.join(tmp.dir(), 'ok.gguf'), { metadata: llamaMetadata() });
    expect(await modelFileProblem(model('m', { model: file, backend: 'llama-server' }))).toBeNull();
  });

  it('names a missing file, a non-GGUF file and a truncated one', async () => {
    const dir = tmp.dir();
    writeFileSync(path.join(dir, 'text.gguf'), 'not a model');
    writeGguf(path.join(dir, 'cut.gguf'), { metadata: llamaMetadata(), tensors: [{ name: 'w', shape: [64, 64] }], truncateTo: 500 });
    const check = (f: string) => modelFileProblem(model('m', { model: path.join(dir, f), backend: 'llama-server' }));
    expect(await check('absent.gguf')).toMatch(/model file not found: .*absent\.gguf/);
    expect(await check('text.gguf')).toMatch(/text\.gguf is not a GGUF file/);
    expect(await check('cut.gguf')).toMatch(/cut\.gguf is truncated/);
  });

  it('checks any file given to llama-server, whatever its extension', async () => {
    const file = path.join(tmp.dir(), 'weights.bin');
    writeFileSync(file, 'PK\u0003\u0004');
    expect(await modelFileProblem(model('m', { model: file, backend: 'llama-server' }))).toMatch(/not a GGUF file/);
  });

  it('leaves non-GGUF models of other backends alone', async () => {
    expect(await modelFileProblem(model('m', { model: '/nowhere/Qwen/Qwen3-8B', backend: 'vllm' }))).toBeNull();
    expect(await modelFileProblem(model('m', { model: null }))).toBeNull();
  });

  it('refuses a projector loaded as a model', async () => {
    const file = writeGguf(path.join(tmp.dir(), 'mmproj.gguf'), { metadata: { 'general.architecture': 'clip' } });
    expect(await modelFileProblem(model('m', { model: file, backend: 'llama-server' }))).toMatch(/multimodal projector/);
  });

  it('refuses an architecture the built-in llama.cpp does not know', async () => {
    const file = writeGguf(path.join(tmp.dir(), 'future.gguf'), { metadata: llamaMetadata({ 'general.architecture': 'future-arch' }) });
    expect(await modelFileProblem(model('m', { model: file, backend: 'builtin' }))).toMatch(/unsupported architecture "future-arch"/);
    // A llama-server on PATH may be newer than the built-in list: it decides for itself.
    expect(await modelFileProblem(model('m', { model: file, backend: 'llama-server' }))).toBeNull();
  });

  it('checks the projector too', async () => {
    const file = writeGguf(path.join(tmp.dir(), 'ok.gguf'), { metadata: llamaMetadata() });
    expect(await modelFileProblem(model('m', { model: file, backend: 'llama-server', mmproj: path.join(tmp.dir(), 'gone.gguf') }))).toMatch(/^mmproj: model file not found/);
  });
});
