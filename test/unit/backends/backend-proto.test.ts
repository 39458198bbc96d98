import { loadSync } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { BACKEND_PROTO } from '../../../electron/engine/backends/grpc/backend-client.js';

// The wire format is what a LocalAI backend binary understands: message and field names do not
// travel, field numbers and types do. These are the numbers of LocalAI's backend.proto (package
// backend, service Backend) for every field Loadout sends or reads.
const LOCALAI_FIELDS: Record<string, Record<string, [number, string]>> = {
  PredictOptions: {
    Prompt: [1, 'TYPE_STRING'], Seed: [2, 'TYPE_INT32'], Threads: [3, 'TYPE_INT32'], Tokens: [4, 'TYPE_INT32'], TopK: [5, 'TYPE_INT32'],
    Temperature: [9, 'TYPE_FLOAT'], StopPrompts: [13, 'TYPE_STRING'], TopP: [32, 'TYPE_FLOAT'], Embeddings: [36, 'TYPE_STRING'],
    UseTokenizerTemplate: [43, 'TYPE_BOOL'], Messages: [44, 'TYPE_MESSAGE'], CorrelationId: [47, 'TYPE_STRING'],
  },
  Message: { role: [1, 'TYPE_STRING'], content: [2, 'TYPE_STRING'] },
  Reply: { message: [1, 'TYPE_BYTES'], tokens: [2, 'TYPE_INT32'], prompt_tokens: [3, 'TYPE_INT32'], timing_prompt_processing: [4, 'TYPE_DOUBLE'], timing_token_generation: [5, 'TYPE_DOUBLE'] },
  ModelOptions: {
    Model: [1, 'TYPE_STRING'], ContextSize: [2, 'TYPE_INT32'], Seed: [3, 'TYPE_INT32'], NBatch: [4, 'TYPE_INT32'], F16Memory: [5, 'TYPE_BOOL'],
    MLock: [6, 'TYPE_BOOL'], MMap: [7, 'TYPE_BOOL'], Embeddings: [10, 'TYPE_BOOL'], NGPULayers: [12, 'TYPE_INT32'], Threads: [15, 'TYPE_INT32'],
    ModelFile: [21, 'TYPE_STRING'], MMProj: [41, 'TYPE_STRING'], ModelPath: [59, 'TYPE_STRING'], Options: [62, 'TYPE_STRING'],
  },
  Result: { message: [1, 'TYPE_STRING'], success: [2, 'TYPE_BOOL'] },
  EmbeddingResult: { embeddings: [1, 'TYPE_FLOAT'] },
  MemoryUsageData: { total: [1, 'TYPE_UINT64'], breakdown: [2, 'TYPE_MESSAGE'] },
  StatusResponse: { state: [1, 'TYPE_ENUM'], memory: [2, 'TYPE_MESSAGE'] },
};

interface FieldDescriptor {
  name: string;
  number: number;
  type: string;
}

describe('backend.proto', () => {
  const def = loadSync(BACKEND_PROTO, { keepCase: true });

  it.each(Object.keys(LOCALAI_FIELDS))('numbers and types every field of %s as LocalAI does', (message) => {
    const fields = (def[`backend.${message}`] as unknown as { type: { field: FieldDescriptor[] } }).type.field;
    expect(Object.fromEntries(fields.map((f) => [f.name, [f.number, f.type]]))).toEqual(LOCALAI_FIELDS[message]);
  });

  it('declares the Backend service methods Loadout calls, PredictStream server-streaming', () => {
    const service = def['backend.Backend'] as unknown as Record<string, { path: string; responseStream: boolean }>;
    expect(Object.fromEntries(Object.entries(service).map(([k, v]) => [k, [v.path, v.responseStream]]))).toEqual({
      Health: ['/backend.Backend/Health', false],
      Predict: ['/backend.Backend/Predict', false],
      LoadModel: ['/backend.Backend/LoadModel', false],
      PredictStream: ['/backend.Backend/PredictStream', true],
      Embedding: ['/backend.Backend/Embedding', false],
      Status: ['/backend.Backend/Status', false],
    });
  });

  it('numbers the StatusResponse states as LocalAI does', () => {
    const status = def['backend.StatusResponse'] as unknown as { type: { nestedType: { name: string }[]; enumType: { name: string; value: { name: string; number: number }[] }[] } };
    const state = status.type.enumType.find((e) => e.name === 'State')!;
    expect(Object.fromEntries(state.value.map((v) => [v.name, v.number]))).toEqual({ UNINITIALIZED: 0, BUSY: 1, READY: 2, ERROR: -1 });
  });
});
