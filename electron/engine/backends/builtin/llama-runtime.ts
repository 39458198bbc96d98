import type { ChatHistoryItem, ChatWrapper, LlamaContextSequence, LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { LoadoutError } from '../../../../shared/errors.js';
import type { LlamaOptions } from '../llama-args.js';
import type { Embeddings, FinishReason, Generation, Inference } from '../openai/inference.js';
import { SAMPLING_DEFAULTS as DEFAULTS, type ChatRequest, type CompletionRequest, type Sampling } from '../openai/openai-requests.js';
import { SlotPool } from './slot-pool.js';

type NodeLlama = typeof import('node-llama-cpp');

export interface RuntimeSpec {
  modelPath: string;
  name: string;
  llama: LlamaOptions;
  /** Load progress and milestones, one line each. */
  log: (line: string) => void;
}

type GenerationOptions = ReturnType<typeof sampling> & {
  maxTokens: number;
  onTextChunk: (text: string) => void;
  onToken: (tokens: readonly unknown[]) => void;
  signal: AbortSignal;
  stopOnAbortSignal: true;
};
type GenerationRun = (sequence: LlamaContextSequence, opts: GenerationOptions) => Promise<{ response: string; metadata: { stopReason: string } }>;

/**
 * node-llama-cpp behind the `Inference` interface: one model, one context with a sequence per
 * parallel slot, the model's own chat template, an embedding context when the model is configured
 * for embeddings.
 */
export class LlamaRuntime implements Inference {
  private lib: NodeLlama | null = null;
  private model: LlamaModel | null = null;
  private wrapper: ChatWrapper | null = null;
  private slots: SlotPool<LlamaContextSequence> | null = null;
  private embedder: LlamaEmbeddingContext | null = null;
  private disposers: (() => Promise<void>)[] = [];

  constructor(private readonly spec: RuntimeSpec) {}

  get readyModel(): string | null {
    return this.slots ? this.spec.name : null;
  }

  /** Loads the model and creates its contexts; throws with llama.cpp's reason. */
  async load(): Promise<void> {
    const { llama: o, log } = this.spec;
    const lib = (this.lib = await import('node-llama-cpp'));
    // Prebuilt binaries only: nothing is compiled or downloaded at run time. No GPU wanted: skip
    // probing for one (it costs seconds on a machine without).
    const llama = await lib.getLlama({ gpu: o.gpuLayers === 0 ? false : 'auto', build: 'never', maxThreads: o.threads ?? undefined, progressLogs: false, logLevel: lib.LlamaLogLevel.warn });
    log(`llama: backend ${llama.gpu === false ? 'cpu' : llama.gpu}, ${o.threads ?? llama.cpuMathCores} threads`);
    let shown = -1;
    const model = await llama.loadModel({
      modelPath: this.spec.modelPath,
      gpuLayers: o.gpuLayers === null ? 'auto' : o.gpuLayers < 0 ? 'max' : o.gpuLayers,
      useMmap: o.noMmap ? false : 'auto',
      useMlock: o.mlock,
      onLoadProgress: (p) => {
        const pct = Math.floor(p * 10) * 10;
        if (pct > shown) log(`load_progress: ${(shown = pct)}%`);
      },
    });
    this.model = model;
    this.disposers.push(() => model.dispose());
    const parallel = Math.max(1, o.parallel ?? 1);
    // As llama-server: -c is the whole context, shared out between the slots; 0 or unset = trained size.
    const total = o.contextSize || model.trainContextSize;
    const context = await model.createContext({
      contextSize: Math.max(64, Math.floor(total / parallel)),
      sequences: parallel,
      ...(o.batchSize ? { batchSize: o.batchSize } : {}),
      ...(o.threads ? { threads: o.threads } : {}),
    });
    this.disposers.unshift(() => context.dispose());
    log(`llama: ${parallel} slot(s) of ${context.contextSize} tokens, ${model.gpuLayers} layer(s) on the GPU`);
    if (o.embeddings) {
      const embedder = await model.createEmbeddingContext({ contextSize: Math.min(total, model.trainContextSize), ...(o.threads ? { threads: o.threads } : {}) });
      this.embedder = embedder;
      this.disposers.unshift(() => embedder.dispose());
      log('llama: embeddings enabled');
    }
    this.wrapper = chatWrapperFor(lib, model, log);
    this.slots = new SlotPool(Array.from({ length: parallel }, () => context.getSequence()));
    log(`llama: chat template ${this.wrapper.wrapperName}`);
  }

  async chat(req: ChatRequest, onText: (text: string) => void, signal: AbortSignal): Promise<Generation> {
    const { lib, model, wrapper } = this.loaded();
    const history = toHistory(req);
    const promptTokens = wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
    return this.generate(req, promptTokens, onText, signal, async (sequence, opts) => {
      const chat = new lib.LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
      try {
        return await chat.generateResponse(history, opts);
      } finally {
        chat.dispose({ disposeSequence: false });
      }
    });
  }

  async complete(req: CompletionRequest, onText: (text: string) => void, signal: AbortSignal): Promise<Generation> {
    const { lib, model } = this.loaded();
    return this.generate(req, model.tokenize(req.prompt).length, onText, signal, async (sequence, opts) => {
      // A completion continues the prompt from scratch: nothing of an earlier chat may leak in.
      await sequence.clearHistory();
      const completion = new lib.LlamaCompletion({ contextSequence: sequence });
      try {
        return await completion.generateCompletionWithMeta(req.prompt, opts);
      } finally {
        completion.dispose({ disposeSequence: false });
      }
    });
  }

  /** Runs one generation on a free slot, counting the tokens it produces. */
  private generate(req: Sampling, promptTokens: number, onText: (text: string) => void, signal: AbortSignal, run: GenerationRun): Promise<Generation> {
    return this.loaded().slots.use(signal, async (sequence) => {
      let completionTokens = 0;
      // As llama-server: a generation ends when the slot's context is full rather than shifting it
      // and going on (a model that never emits its end token would otherwise never stop).
      const room = Math.max(1, sequence.contextSize - promptTokens);
      const r = await run(sequence, {
        ...sampling(req),
        maxTokens: Math.min(req.maxTokens ?? room, room),
        onTextChunk: onText,
        onToken: (t: readonly unknown[]) => void (completionTokens += t.length),
        signal,
        stopOnAbortSignal: true,
      });
      return { text: r.response, finishReason: finish(r.metadata.stopReason), promptTokens, completionTokens };
    });
  }

  async embed(inputs: string[], signal: AbortSignal): Promise<Embeddings> {
    const { model } = this.loaded();
    if (!this.embedder) throw new LoadoutError('bad_request', `model "${this.spec.name}" is not configured for embeddings (add --embeddings to its args)`);
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const input of inputs) {
      if (signal.aborted) throw signal.reason as Error;
      vectors.push([...(await this.embedder.getEmbeddingFor(input)).vector]);
      promptTokens += model.tokenize(input).length;
    }
    return { vectors, promptTokens };
  }

  async dispose(): Promise<void> {
    this.slots = null;
    for (const d of this.disposers.splice(0)) await d();
  }

  private loaded() {
    const { lib, model, wrapper, slots } = this;
    if (!lib || !model || !wrapper || !slots) throw new LoadoutError('busy', 'the model is still loading');
    return { lib, model, wrapper, slots };
  }
}

/**
 * The model's own Jinja chat template, as llama-server applies it. node-llama-cpp's resolver would
 * also find a matching built-in wrapper, but it renders the template against every one of them
 * (seconds on every load); it is the fallback for a model without a usable template.
 */
function chatWrapperFor(lib: NodeLlama, model: LlamaModel, log: (line: string) => void): ChatWrapper {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof template === 'string' && template.length > 0) {
    try {
      return new lib.JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer });
    } catch (err) {
      log(`llama: the model's chat template cannot be used (${err instanceof Error ? err.message : String(err)}); using a built-in one`);
    }
  }
  return lib.resolveChatWrapper(model);
}

/** OpenAI messages as node-llama-cpp's history, ending in the (empty) model turn to generate. */
function toHistory(req: ChatRequest): ChatHistoryItem[] {
  const history = req.messages.map((m): ChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'assistant') return { type: 'model', response: [m.content] };
    return { type: 'user', text: m.content };
  });
  history.push({ type: 'model', response: [] });
  return history;
}

function sampling(s: Sampling) {
  return {
    temperature: s.temperature ?? DEFAULTS.temperature,
    topK: s.topK ?? DEFAULTS.topK,
    topP: s.topP ?? DEFAULTS.topP,
    ...(s.seed !== null ? { seed: s.seed } : {}),
    ...(s.stop.length > 0 ? { customStopTriggers: s.stop } : {}),
  };
}

function finish(stopReason: string): FinishReason {
  return stopReason === 'maxTokens' ? 'length' : 'stop';
}
