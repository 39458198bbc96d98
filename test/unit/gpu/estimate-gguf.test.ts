import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateGgufBytes } from '../../../electron/engine/gpu/estimate-gguf.js';
import { paramCount, TINY_MODELS, writeTinyModels } from '../../helpers/gguf/tiny-models.js';

// The tiny models are generated here (test/helpers/gguf), so these tests run in any clone.
let dir: string;
let files: ReturnType<typeof writeTinyModels>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-gguf-'));
  files = writeTinyModels(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('estimateGgufBytes', () => {
  it('counts F32 weights exactly and an f16 KV cache with grouped-query heads', async () => {
    // small-spm: 946,816 F32 params, 4 layers, n_embd 128, 4 heads (head dim 32), 2 KV heads.
    const e = await estimateGgufBytes(files.smallSpm, 1024);
    expect(e).not.toBeNull();
    expect(paramCount(TINY_MODELS.smallSpm, 622)).toBe(946816);
    expect(e?.weightsBytes).toBe(946816 * 4);
    expect(e?.kvBytes).toBe(2 * 4 * 1024 * 32 * 2 * 2);
    expect(e?.totalBytes).toBeGreaterThan((e?.weightsBytes ?? 0) + (e?.kvBytes ?? 0));
  });

  it("uses the model's context length, capped at 4096, when none is given", async () => {
    const small = await estimateGgufBytes(files.smallSpm, null); // trained 4096
    expect(small?.kvBytes).toBe(2 * 4 * 4096 * 32 * 2 * 2);
    const tiny = await estimateGgufBytes(files.tinySpm, null); // trained 2048, 2 layers, head dim 32, 2 KV heads
    expect(tiny?.kvBytes).toBe(2 * 2 * 2048 * 32 * 2 * 2);
  });

  it('never counts more weight bytes than the file holds', async () => {
    const e = await estimateGgufBytes(files.tinyGpt2, 512);
    expect(e?.weightsBytes).toBeGreaterThan(0);
    expect(e?.weightsBytes).toBeLessThan(statSync(files.tinyGpt2).size);
  });

  it('returns null for a missing file or one that is not GGUF', async () => {
    expect(await estimateGgufBytes(join(dir, 'no-such-model.gguf'), null)).toBeNull();
    writeFileSync(join(dir, 'README.md'), '# not a model\n');
    expect(await estimateGgufBytes(join(dir, 'README.md'), null)).toBeNull();
  });
});
