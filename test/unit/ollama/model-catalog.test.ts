import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { GGUFValueType, serializeGgufMetadata, type GGUFTypedMetadata } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import type { ModelView } from '../../../shared/model-view.js';
import { model } from '../electron/fixtures.js';
import { capabilities, expiresAt, FOREVER, parametersText, psEntry, showResponse, tagEntry } from '../../../electron/api/http/ollama/model-catalog.js';
import { ModelFileInfoCache } from '../../../electron/api/http/ollama/model-file-info.js';
import type { ModelConfig } from '../../../electron/engine/config/types.js';
import { useTempDir } from '../config/temp-dir.js';

const tmp = useTempDir();

function config(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    name: 'qwen', cmd: 'llama-server --port ${PORT} -m ${MODEL} ${ARGS}', health: '/health', model: null, args: '', env: {}, aliases: [],
    pinned: false, groups: [], ttlMs: null, vramBytes: null, contextSize: null, backend: 'llama-server', unlisted: false,
    sourceFile: path.join(tmp.dir(), 'config.yaml'), sourceKind: 'main', responseTimeoutMs: null, preload: false, protocol: 'http', ...over,
  };
}

/** A GGUF file with a header and no tensors: enough for what the listings read. */
function writeGguf(file: string, arch: string, extra: Record<string, { value: unknown; type: GGUFValueType }>): void {
  const kv = { 'general.architecture': { value: arch, type: GGUFValueType.STRING }, ...extra };
  const md = {
    version: { value: 3, type: GGUFValueType.UINT32 },
    tensor_count: { value: 0n, type: GGUFValueType.UINT64 },
    kv_count: { value: BigInt(Object.keys(kv).length), type: GGUFValueType.UINT64 },
    ...kv,
  } as unknown as GGUFTypedMetadata;
  writeFileSync(file, serializeGgufMetadata(md));
}

const view = (over: Partial<ModelView>): ModelView => model('qwen', { state: 'ready', pid: 1, port: 2, backend: null, ...over });

describe('model listings from a GGUF header', () => {
  it('lists family, parameter size, quantization and the trained context', async () => {
    const file = path.join(tmp.dir(), 'qwen.gguf');
    writeGguf(file, 'qwen3', {
      'general.file_type': { value: 15, type: GGUFValueType.UINT32 },
      'general.parameter_count': { value: 8_190_735_360n, type: GGUFValueType.UINT64 },
      'qwen3.context_length': { value: 40960, type: GGUFValueType.UINT32 },
    });
    await tmp.write('config.yaml', 'models: {}\n');
    const info = await new ModelFileInfoCache().get('qwen', file, path.join(tmp.dir(), 'config.yaml'));
    const c = config({ model: file, args: '-c 8192 -ngl 99 --temp 0.6 -r "<|im_end|>"', contextSize: 8192 });
    const tag = tagEntry(c, info);
    expect(tag).toMatchObject({
      name: 'qwen', model: 'qwen', size: info.size,
      details: { format: 'gguf', family: 'qwen3', families: ['qwen3'], parameter_size: '8.2B', quantization_level: 'Q4_K_M' },
      capabilities: ['completion'],
    });
    expect(tag.digest).toMatch(/^[0-9a-f]{64}$/);
    const show = showResponse(c, info);
    expect(show.parameters).toBe('num_ctx 8192\nnum_gpu 99\ntemperature 0.6\nstop "<|im_end|>"');
    expect(show.model_info).toEqual({ 'general.architecture': 'qwen3', 'qwen3.context_length': 40960, 'general.parameter_count': 8_190_735_360 });
    expect(show.template).toBe('{{ .Prompt }}');
  });

  it('says "embedding" for pooling models and for --embedding servers', async () => {
    const file = path.join(tmp.dir(), 'bert.gguf');
    writeGguf(file, 'bert', { 'bert.pooling_type': { value: 1, type: GGUFValueType.UINT32 } });
    const info = await new ModelFileInfoCache().get('e', file, file);
    expect(capabilities(config(), info)).toEqual(['embedding']);
    const none = await new ModelFileInfoCache().get('x', null, path.join(tmp.dir(), 'missing.yaml'));
    expect(capabilities(config({ args: '--embeddings' }), none)).toEqual(['embedding']);
    expect(capabilities(config({ args: '--jinja --mmproj /m/proj.gguf' }), none)).toEqual(['completion', 'tools', 'vision']);
    expect(capabilities(config({ embeddings: true }), none)).toEqual(['embedding']);
    expect(capabilities(config({ mmproj: '/m/proj.gguf' }), none)).toEqual(['completion', 'vision']);
  });

  it('lists a model without a readable GGUF with empty details, never failing', async () => {
    const file = await tmp.write('not.gguf', 'plain text');
    const info = await new ModelFileInfoCache().get('m', file, file);
    expect(info).toMatchObject({ format: '', arch: null, size: 10 });
    expect(showResponse(config({ contextSize: 2048 }), info).model_info).toEqual({ 'general.architecture': 'unknown', 'unknown.context_length': 2048 });
    expect(parametersText(config(), info)).toBe('');
  });
});

describe('/api/ps entries', () => {
  const info = { size: 100, modifiedAt: new Date(0).toISOString(), digest: 'd', format: '', arch: null, trainedContext: 4096, parameterCount: null, quantization: null, pooling: false };
  const now = Date.parse('2026-11-30T00:00:00.000Z');

  it('expires at the idle deadline, from now when busy, and never for pinned models', () => {
    expect(expiresAt(view({ idle_deadline: '2026-11-30T00:15:00.000Z' }), 900_000, now)).toBe('2026-11-30T00:15:00.000Z');
    expect(expiresAt(view({ inflight: 1 }), 900_000, now)).toBe('2026-11-30T00:15:00.000Z');
    expect(expiresAt(view({ pinned: true }), 900_000, now)).toBe(FOREVER);
    expect(expiresAt(view({}), 0, now)).toBe(FOREVER);
  });

  it('reports measured memory as size, and as size_vram only on a GPU', () => {
    expect(psEntry(config(), view({ vram_bytes: 5000 }), info, { idleTimeoutMs: 0, now, onGpu: true })).toMatchObject({ size: 5000, size_vram: 5000, context_length: 4096 });
    expect(psEntry(config({ contextSize: 1024 }), view({ vram_bytes: 5000 }), info, { idleTimeoutMs: 0, now, onGpu: false })).toMatchObject({ size: 5000, size_vram: 0, context_length: 1024 });
    expect(psEntry(config(), view({ vram_estimate_bytes: 700 }), info, { idleTimeoutMs: 0, now, onGpu: true })).toMatchObject({ size: 700, size_vram: 0 });
    expect(psEntry(config(), view({ ram_bytes: 900, vram_estimate_bytes: 700 }), info, { idleTimeoutMs: 0, now, onGpu: false })).toMatchObject({ size: 900, size_vram: 0 });
  });
});
