import { describe, expect, it } from 'vitest';
import { modelOptionsFor, predictForChat, predictForCompletion, predictForEmbedding } from '../../../electron/engine/backends/grpc/grpc-messages.js';
import { parseChatRequest, parseCompletionRequest } from '../../../electron/engine/backends/openai/openai-requests.js';
import type { ModelConfig } from '../../../electron/engine/config/types.js';

function model(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    name: 'qwen', cmd: '/opt/localai/llama-cpp --addr 127.0.0.1:${PORT}', health: '/health', model: '/models/qwen/Qwen3-8B.gguf', args: '',
    env: {}, aliases: [], pinned: false, groups: [], ttlMs: null, vramBytes: null, contextSize: null, backend: 'localai',
    unlisted: false, responseTimeoutMs: null, protocol: 'grpc', sourceFile: '/c.yaml', sourceKind: 'main', ...over,
  };
}

describe('modelOptionsFor (LoadModel)', () => {
  it('sends the file as LocalAI does (name, full path, directory) with the options of args', () => {
    const o = modelOptionsFor(model({ args: '-c 8192 -ngl 20 -t 6 -b 256 -np 4 --embeddings --mmproj /models/qwen/mmproj.gguf --mlock use_jinja:true' }), 16);
    expect(o).toEqual({
      Model: 'Qwen3-8B.gguf', ModelFile: '/models/qwen/Qwen3-8B.gguf', ModelPath: '/models/qwen',
      ContextSize: 8192, NGPULayers: 20, Threads: 6, NBatch: 256, Embeddings: true, MMProj: '/models/qwen/mmproj.gguf',
      MMap: true, MLock: true, Options: ['use_jinja:true', 'parallel:4'],
    });
  });

  it('defaults as LocalAI does: every layer on the GPU, the machine’s threads, mmap on; context from context_size', () => {
    expect(modelOptionsFor(model({ contextSize: 4096 }), 16)).toMatchObject({ ContextSize: 4096, NGPULayers: 9_999_999, Threads: 16, MMap: true, Embeddings: false, Options: [] });
    expect(modelOptionsFor(model({ args: '-ngl all --no-mmap' }), 16)).toMatchObject({ NGPULayers: 9_999_999, MMap: false });
  });

  it('keeps an explicit parallel option instead of adding one from -np', () => {
    expect(modelOptionsFor(model({ args: '-np 2 parallel:8' }), 4).Options).toEqual(['parallel:8']);
  });

  it('refuses an args word it does not know, naming it', () => {
    expect(() => modelOptionsFor(model({ args: '--flash-attn-typo' }), 4)).toThrow('args: unknown argument "--flash-attn-typo"');
  });
});

describe('PredictOptions from OpenAI requests', () => {
  it('sends a chat as messages for the backend’s own chat template, with the sampling asked for', () => {
    const req = parseChatRequest({ messages: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi ' }, { type: 'text', text: 'there' }] }], max_tokens: 16, temperature: 0, top_p: 0.5, seed: 7, stop: '\n' });
    expect(predictForChat(req)).toEqual({
      Prompt: '', Messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi there' }], UseTokenizerTemplate: true,
      Tokens: 16, Temperature: 0, TopP: 0.5, TopK: 40, Seed: 7, StopPrompts: ['\n'], Embeddings: '',
    });
  });

  it('applies llama-server’s sampling defaults to what the request leaves out', () => {
    expect(predictForCompletion(parseCompletionRequest({ prompt: 'once' }))).toMatchObject({ Prompt: 'once', UseTokenizerTemplate: false, Tokens: 0, Temperature: 0.8, TopP: 0.95, TopK: 40, Seed: -1 });
  });

  it('puts the text to embed in Embeddings', () => {
    expect(predictForEmbedding('hello')).toMatchObject({ Embeddings: 'hello', Prompt: 'hello' });
  });
});
