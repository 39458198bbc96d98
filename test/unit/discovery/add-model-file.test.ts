import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addFileConflict, checkModelName, modelFilePath } from '../../../electron/engine/discovery/add-model-file.js';
import { modelNameFor } from '../../../electron/engine/discovery/model-name.js';
import type { ModelConfig } from '../../../electron/engine/config/types.js';
import { LoadoutError } from '../../../shared/errors.js';

function thrown(fn: () => unknown): LoadoutError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoadoutError) return e;
    throw e;
  }
  throw new Error('expected a LoadoutError');
}

function model(over: Partial<ModelConfig>): ModelConfig {
  return { name: 'm', model: null, aliases: [], sourceKind: 'main', sourceFile: '/cfg/config.yaml', ...over } as ModelConfig;
}

describe('modelNameFor', () => {
  it('names a model after its file, without .gguf and the shard suffix', () => {
    expect(modelNameFor('/m/Qwen3-8B-Q4_K_M.gguf', { name: 'Qwen3 8B', quantization: 'Q4_K_M' })).toBe('Qwen3-8B-Q4_K_M');
    expect(modelNameFor('/m/big-00001-of-00003.gguf', { name: null, quantization: null })).toBe('big');
  });

  it('uses the header name and quantization for a generic file name', () => {
    expect(modelNameFor('/m/ggml-model-q4_0.gguf', { name: 'Llama 3.2 1B', quantization: 'Q4_0' })).toBe('Llama-3.2-1B-Q4_0');
    expect(modelNameFor('/m/model.gguf', { name: null, quantization: 'Q8_0' })).toBe('model');
  });
});

describe('modelFilePath', () => {
  it('expands ~ to the home directory and normalizes the path', () => {
    expect(modelFilePath(' ~/models/a.gguf ', '/home/u')).toBe(path.join('/home/u', 'models', 'a.gguf'));
    expect(modelFilePath('/m/x/../a.gguf', '/home/u')).toBe(path.normalize('/m/a.gguf'));
  });

  it('refuses an empty or relative path, naming the path field', () => {
    for (const raw of ['', '  ', 'models/a.gguf']) {
      const e = thrown(() => modelFilePath(raw, '/home/u'));
      expect(e.code).toBe('bad_request');
      expect(e.details.field).toBe('path');
      expect(e.message).toMatch(/^path: /);
    }
  });
});

describe('checkModelName', () => {
  it('takes an ordinary name and refuses spaces around it or control characters', () => {
    expect(checkModelName('qwen3-8b')).toBe('qwen3-8b');
    expect(thrown(() => checkModelName(' qwen')).details.field).toBe('name');
    expect(thrown(() => checkModelName('a\nb')).details.field).toBe('name');
  });
});

describe('addFileConflict', () => {
  const config = {
    models: [
      model({ name: 'qwen', model: '/m/qwen.gguf' }),
      model({ name: 'found', model: '/d/found.gguf', sourceKind: 'discovered', sourceFile: '/d/found.gguf' }),
      model({ name: 'embed', model: '/m/embed.gguf', aliases: ['text-embedding'] }),
    ],
  };

  it('answers 409 naming the path when the file is configured already', () => {
    const e = addFileConflict(config, 'other', '/m/qwen.gguf');
    expect(e?.status).toBe(409);
    expect(e?.details.field).toBe('path');
    expect(e?.message).toContain('already configured as "qwen"');
  });

  it('answers 409 naming the name when a model or alias has it', () => {
    expect(addFileConflict(config, 'qwen', '/m/new.gguf')?.details.field).toBe('name');
    expect(addFileConflict(config, 'text-embedding', '/m/new.gguf')?.status).toBe(409);
    expect(addFileConflict(config, 'found', '/m/new.gguf')?.details.field).toBe('name');
  });

  it('lets a discovered model be added under its own name, and a new file under a new name', () => {
    expect(addFileConflict(config, 'found', '/d/found.gguf')).toBeNull();
    expect(addFileConflict(config, 'new', '/m/new.gguf')).toBeNull();
  });
});
