import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { estimateGgufBytes } from '../../../electron/engine/gpu/estimate-gguf.js';

// The shared tiny models live next to the repository, not in it (see shared/fixtures/gguf/README.md).
const GGUF_DIR = fileURLToPath(new URL('../../../../shared/fixtures/gguf/', import.meta.url));
const present = existsSync(GGUF_DIR + 'small-spm.gguf') && existsSync(GGUF_DIR + 'tiny-spm.gguf');
if (!present) console.warn(`estimate-gguf tests skipped: no tiny GGUF models at ${GGUF_DIR}`);

describe.skipIf(!present)('estimateGgufBytes', () => {
  it('counts F32 weights exactly and an f16 KV cache with grouped-query heads', async () => {
    // small-spm: 946,816 F32 params, 4 layers, n_embd 128, 4 heads (head dim 32), 2 KV heads.
    const e = await estimateGgufBytes(GGUF_DIR + 'small-spm.gguf', 1024);
    expect(e).not.toBeNull();
    expect(e?.weightsBytes).toBe(946816 * 4);
    expect(e?.kvBytes).toBe(2 * 4 * 1024 * 32 * 2 * 2);
    expect(e?.totalBytes).toBeGreaterThan((e?.weightsBytes ?? 0) + (e?.kvBytes ?? 0));
  });

  it("uses the model's context length, capped at 4096, when none is given", async () => {
    const small = await estimateGgufBytes(GGUF_DIR + 'small-spm.gguf', null); // trained 4096
    expect(small?.kvBytes).toBe(2 * 4 * 4096 * 32 * 2 * 2);
    const tiny = await estimateGgufBytes(GGUF_DIR + 'tiny-spm.gguf', null); // trained 2048, 2 layers, head dim 32, 2 KV heads
    expect(tiny?.kvBytes).toBe(2 * 2 * 2048 * 32 * 2 * 2);
  });

  it('never counts more weight bytes than the file holds', async () => {
    const e = await estimateGgufBytes(GGUF_DIR + 'tiny-gpt2.gguf', 512);
    expect(e?.weightsBytes).toBeGreaterThan(0);
    expect(e?.weightsBytes).toBeLessThan(statSync(GGUF_DIR + 'tiny-gpt2.gguf').size);
  });

  it('returns null for a missing file or one that is not GGUF', async () => {
    expect(await estimateGgufBytes(GGUF_DIR + 'no-such-model.gguf', null)).toBeNull();
    expect(await estimateGgufBytes(GGUF_DIR + 'README.md', null)).toBeNull();
  });
});
