import { gguf } from '@huggingface/gguf';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTinyModel, paramCount, TINY_MODELS, writeTinyModels } from '../../helpers/gguf/tiny-models.js';

// The generated test models stand in for binary fixtures: they must be valid GGUF, the same on every run.
const dir = mkdtempSync(join(tmpdir(), 'loadout-gguf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tiny GGUF models', () => {
  it('are the same bytes on every run, and a different seed gives different weights', () => {
    const a = encodeTinyModel(TINY_MODELS.tinySpm);
    expect(encodeTinyModel(TINY_MODELS.tinySpm).equals(a)).toBe(true);
    expect(encodeTinyModel(TINY_MODELS.tinySpm, 7).equals(a)).toBe(false);
  });

  it('parse as llama GGUF v3 with every tensor a llama.cpp llama model needs, in F32', async () => {
    const files = writeTinyModels(dir);
    const parsed = await gguf(files.smallSpm, { allowLocalFile: true });
    const md = parsed.metadata as unknown as Record<string, unknown>;
    expect(md['general.architecture']).toBe('llama');
    expect(md['version']).toBe(3);
    expect(md['llama.vocab_size']).toBe(622);
    const names = parsed.tensorInfos.map((t) => t.name);
    expect(names).toHaveLength(3 + 4 * 9);
    expect(names).toEqual(expect.arrayContaining(['token_embd.weight', 'output_norm.weight', 'output.weight', 'blk.3.attn_k.weight', 'blk.3.ffn_down.weight']));
    expect(parsed.tensorInfos.find((t) => t.name === 'blk.0.attn_k.weight')?.shape.map(Number)).toEqual([128, 64]); // 2 KV heads of 32
    const data = statSync(files.smallSpm).size - Number(parsed.tensorDataOffset);
    expect(data).toBe(paramCount(TINY_MODELS.smallSpm, 622) * 4);
  });

  it('carry a byte-level BPE vocabulary whose every merge makes a token of the vocabulary', async () => {
    const files = writeTinyModels(dir);
    const md = (await gguf(files.tinyGpt2, { allowLocalFile: true })).metadata as unknown as Record<string, unknown>;
    const tokens = md['tokenizer.ggml.tokens'] as string[];
    const merges = md['tokenizer.ggml.merges'] as string[];
    expect(tokens.slice(0, 256)).toHaveLength(new Set(tokens.slice(0, 256)).size);
    const known = new Set(tokens);
    for (const m of merges) {
      const [left, right] = m.split(' ');
      expect(known.has(left!) && known.has(right!) && known.has(left! + right!), m).toBe(true);
    }
    expect(tokens[md['tokenizer.ggml.eos_token_id'] as number]).toBe('<|endoftext|>');
  });
});
