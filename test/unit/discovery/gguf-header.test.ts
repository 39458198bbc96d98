import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectGguf } from '../../../electron/engine/gguf/gguf-header.js';
import { readGgufModel } from '../../../electron/engine/gguf/gguf-model.js';
import { ggufBytes, llamaMetadata, writeGguf } from '../../helpers/gguf-writer.js';
import { useTempDir } from '../config/temp-dir.js';

const tmp = useTempDir();

describe('inspectGguf', () => {
  it('reads architecture, name, parameters, quantization and trained context from the header', async () => {
    const file = writeGguf(path.join(tmp.dir(), 'm.gguf'), {
      metadata: llamaMetadata(),
      tensors: [{ name: 'a', shape: [8, 4] }, { name: 'b', shape: [16] }],
    });
    const r = await inspectGguf(file);
    if (!r.ok) throw new Error(r.message);
    expect(r.header).toMatchObject({ architecture: 'llama', name: 'Tiny Llama', parameterCount: 48, quantization: 'Q4_K_M', contextLength: 4096, splitCount: 1 });
  });

  it('takes the quantization from the file name when the header has no file_type', async () => {
    const metadata = llamaMetadata();
    delete metadata['general.file_type'];
    const file = writeGguf(path.join(tmp.dir(), 'Model-Q5_K_S.gguf'), { metadata });
    const r = await inspectGguf(file);
    expect(r.ok && r.header.quantization).toBe('Q5_K_S');
  });

  it('says a missing file is missing', async () => {
    const r = await inspectGguf(path.join(tmp.dir(), 'nope.gguf'));
    expect(r).toMatchObject({ ok: false, code: 'missing', message: expect.stringContaining('not found') });
  });

  it('says a file without the GGUF magic is not GGUF', async () => {
    const file = path.join(tmp.dir(), 'fake.gguf');
    writeFileSync(file, '<html>404 Not Found</html>');
    expect(await inspectGguf(file)).toMatchObject({ ok: false, code: 'not_gguf', message: expect.stringContaining('not a GGUF file') });
  });

  it('says a file cut inside its header is truncated', async () => {
    const file = writeGguf(path.join(tmp.dir(), 'cut.gguf'), { metadata: llamaMetadata(), truncateTo: 60 });
    expect(await inspectGguf(file)).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('says a file whose tensor data ends early is truncated', async () => {
    const full = ggufBytes({ metadata: llamaMetadata(), tensors: [{ name: 'a', shape: [64, 64] }] });
    const file = writeGguf(path.join(tmp.dir(), 'partial.gguf'), { metadata: llamaMetadata(), tensors: [{ name: 'a', shape: [64, 64] }], truncateTo: full.length - 100 });
    const r = await inspectGguf(file);
    expect(r).toMatchObject({ ok: false, code: 'truncated', message: expect.stringContaining(`the file has ${full.length - 100}`) });
  });
});

describe('readGgufModel', () => {
  it('sums size and parameters over every shard of a split model', async () => {
    const dir = tmp.dir();
    const spec = (i: number) => ({ metadata: llamaMetadata({ 'split.count': 3, 'split.no': i }), tensors: [{ name: `t${i}`, shape: [10] }] });
    for (let i = 1; i <= 3; i++) writeGguf(path.join(dir, `big-0000${i}-of-00003.gguf`), spec(i));
    const r = await readGgufModel(path.join(dir, 'big-00001-of-00003.gguf'));
    if (!r.ok) throw new Error(r.message);
    expect(r.model.files.map((f) => path.basename(f))).toEqual(['big-00001-of-00003.gguf', 'big-00002-of-00003.gguf', 'big-00003-of-00003.gguf']);
    expect(r.model.parameterCount).toBe(30);
    expect(r.model.sizeBytes).toBe([1, 2, 3].reduce((n, i) => n + ggufBytes(spec(i)).length, 0));
  });

  it('names the shard that is missing', async () => {
    const dir = tmp.dir();
    writeGguf(path.join(dir, 'big-00001-of-00002.gguf'), { metadata: llamaMetadata() });
    expect(await readGgufModel(path.join(dir, 'big-00001-of-00002.gguf'))).toMatchObject({ ok: false, message: expect.stringContaining('big-00002-of-00002.gguf') });
  });
});
