import path from 'node:path';
import type { ModelConfig } from '../../config/types.js';
import { CommandLineError, splitCommandLine } from '../command-line.js';
import { parseLlamaArgs } from '../llama-args.js';
import { SAMPLING_DEFAULTS, type ChatRequest, type CompletionRequest, type Sampling } from '../openai/openai-requests.js';

// Pure translations between Loadout's model config / OpenAI requests and LocalAI's backend.proto
// messages (field names as in backend.proto).

export interface ModelOptionsMessage {
  Model: string;
  ModelFile: string;
  ModelPath: string;
  ContextSize: number;
  NGPULayers: number;
  Threads: number;
  NBatch: number;
  Embeddings: boolean;
  MMProj: string;
  MMap: boolean;
  MLock: boolean;
  Options: string[];
}

export interface PredictOptionsMessage {
  Prompt: string;
  Messages: { role: string; content: string }[];
  UseTokenizerTemplate: boolean;
  Tokens: number;
  Temperature: number;
  TopP: number;
  TopK: number;
  Seed: number;
  StopPrompts: string[];
  Embeddings: string;
}

/** LocalAI offloads every layer unless told otherwise (its gpu_layers default). */
const ALL_LAYERS = 9_999_999;

/**
 * LoadModel's options for a model: its file, and the llama.cpp options of its `args`
 * (`-c`, `-ngl`, `-t`, `-b`, `-np`, `--embeddings`, `--mmproj`, `--mlock`, `--no-mmap`, and
 * `key:value` backend options). Throws CommandLineError naming a bad argument.
 */
export function modelOptionsFor(model: ModelConfig, defaultThreads: number): ModelOptionsMessage {
  const parsed = parseLlamaArgs(splitCommandLine(model.args));
  if (!parsed.ok) throw new CommandLineError(`args: ${parsed.error}`);
  const o = parsed.options;
  const file = model.model ?? '';
  const options = [...o.options];
  if (o.parallel !== null && !options.some((x) => x.startsWith('parallel:'))) options.push(`parallel:${o.parallel}`);
  return {
    Model: file ? path.basename(file) : model.name,
    ModelFile: file,
    ModelPath: file ? path.dirname(file) : '',
    ContextSize: o.contextSize ?? model.contextSize ?? 0,
    NGPULayers: o.gpuLayers === null || o.gpuLayers < 0 ? ALL_LAYERS : o.gpuLayers,
    Threads: o.threads || defaultThreads,
    NBatch: o.batchSize ?? 0,
    Embeddings: o.embeddings,
    MMProj: o.mmproj ?? '',
    MMap: !o.noMmap,
    MLock: o.mlock,
    Options: options,
  };
}

function sampling(s: Sampling): Omit<PredictOptionsMessage, 'Prompt' | 'Messages' | 'UseTokenizerTemplate' | 'Embeddings'> {
  return {
    Tokens: s.maxTokens ?? 0,
    Temperature: s.temperature ?? SAMPLING_DEFAULTS.temperature,
    TopP: s.topP ?? SAMPLING_DEFAULTS.topP,
    TopK: s.topK ?? SAMPLING_DEFAULTS.topK,
    Seed: s.seed ?? -1,
    StopPrompts: s.stop,
  };
}

/** A chat: the messages, rendered by the backend with the model's own chat template. */
export function predictForChat(req: ChatRequest): PredictOptionsMessage {
  return { ...sampling(req), Prompt: '', Messages: req.messages.map((m) => ({ role: m.role, content: m.content })), UseTokenizerTemplate: true, Embeddings: '' };
}

export function predictForCompletion(req: CompletionRequest): PredictOptionsMessage {
  return { ...sampling(req), Prompt: req.prompt, Messages: [], UseTokenizerTemplate: false, Embeddings: '' };
}

export function predictForEmbedding(text: string): PredictOptionsMessage {
  return { Prompt: text, Messages: [], UseTokenizerTemplate: false, Embeddings: text, Tokens: 0, Temperature: 0, TopP: 0, TopK: 0, Seed: 0, StopPrompts: [] };
}
