import { TextDecoder } from 'node:util';
import { LoadoutError } from '../../../../shared/errors.js';
import { BackendUnavailable, type Embeddings, type Generation, type Inference } from '../openai/inference.js';
import type { ChatRequest, CompletionRequest, Sampling } from '../openai/openai-requests.js';
import { GrpcCallError, type BackendClient, type ReplyMessage } from './backend-client.js';
import { predictForChat, predictForCompletion, predictForEmbedding, type ModelOptionsMessage, type PredictOptionsMessage } from './grpc-messages.js';

export interface GrpcInferenceSpec {
  name: string;
  options: ModelOptionsMessage;
  /** One line for the model's log. */
  log: (line: string) => void;
  /** Pause between Health attempts while the backend starts. */
  pause: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Health attempts: each waits this long for an answer; a refused connection is retried at once by grpc-js. */
const HEALTH_DEADLINE_MS = 1000;
const HEALTH_RETRY_MS = 25;

/**
 * A LocalAI gRPC backend behind the `Inference` interface: brought up with Health then LoadModel,
 * then OpenAI requests become Predict / PredictStream / Embedding calls. A call that finds the
 * backend UNAVAILABLE throws BackendUnavailable (502, or a reset stream).
 */
export class GrpcInference implements Inference {
  private loaded = false;

  constructor(
    private readonly client: BackendClient,
    private readonly spec: GrpcInferenceSpec,
  ) {}

  get readyModel(): string | null {
    return this.loaded ? this.spec.name : null;
  }

  /**
   * Waits until the backend answers Health, then loads the model. Resolves null once it serves, or
   * with why it cannot (LoadModel refused it); rejects only when `signal` aborts.
   */
  async bringUp(signal: AbortSignal): Promise<string | null> {
    const { client, spec } = this;
    for (;;) {
      if (signal.aborted) throw signal.reason as Error;
      try {
        await client.health(HEALTH_DEADLINE_MS, signal);
        break;
      } catch (err) {
        if (!(err instanceof GrpcCallError)) throw err;
        await spec.pause(HEALTH_RETRY_MS, signal);
      }
    }
    spec.log(`[loadout] gRPC Health ok; LoadModel ${spec.options.ModelFile || spec.options.Model} (context ${spec.options.ContextSize || 'default'}, gpu layers ${spec.options.NGPULayers}, threads ${spec.options.Threads})`);
    let result: { message: string; success: boolean };
    try {
      result = await client.loadModel(spec.options, signal);
    } catch (err) {
      if (err instanceof GrpcCallError) return `LoadModel failed: ${err.message}`;
      throw err;
    }
    if (!result.success) return `LoadModel failed: ${result.message || 'the backend gave no reason'}`;
    spec.log(`[loadout] LoadModel ok${result.message ? `: ${result.message}` : ''}`);
    this.loaded = true;
    await this.logMemory();
    return null;
  }

  /** Whether the backend still answers gRPC Health (behind the bridge's /health once loaded). */
  async healthy(signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.health(HEALTH_DEADLINE_MS, signal);
      return true;
    } catch (err) {
      if (err instanceof GrpcCallError) return false;
      throw err;
    }
  }

  chat(req: ChatRequest, onText: (text: string) => void, signal: AbortSignal): Promise<Generation> {
    return this.generate(predictForChat(req), req, onText, signal);
  }

  complete(req: CompletionRequest, onText: (text: string) => void, signal: AbortSignal): Promise<Generation> {
    return this.generate(predictForCompletion(req), req, onText, signal);
  }

  async embed(inputs: string[], signal: AbortSignal): Promise<Embeddings> {
    if (!this.spec.options.Embeddings) throw new LoadoutError('bad_request', `model "${this.spec.name}" is not configured for embeddings (add --embeddings to its args)`);
    const vectors: number[][] = [];
    for (const input of inputs) vectors.push((await this.call(() => this.client.embedding(predictForEmbedding(input), signal))).embeddings);
    return { vectors, promptTokens: 0 };
  }

  private async generate(msg: PredictOptionsMessage, req: Sampling, onText: (text: string) => void, signal: AbortSignal): Promise<Generation> {
    let text = '';
    let tokens = 0;
    let promptTokens = 0;
    let pieces = 0;
    const take = (r: ReplyMessage, decoder: TextDecoder) => {
      const piece = decoder.decode(r.message, { stream: true });
      if (r.tokens) tokens = r.tokens;
      if (r.prompt_tokens) promptTokens = r.prompt_tokens;
      if (piece) {
        pieces++;
        text += piece;
        onText(piece);
      }
    };
    // A multi-byte character may be split between two replies.
    const decoder = new TextDecoder();
    if (req.stream) await this.call(() => this.client.predictStream(msg, (r) => take(r, decoder), signal));
    else take(await this.call(() => this.client.predict(msg, signal)), decoder);
    const completionTokens = tokens || pieces;
    const finishReason = req.maxTokens !== null && completionTokens >= req.maxTokens ? 'length' : 'stop';
    return { text, finishReason, promptTokens, completionTokens };
  }

  /** gRPC failures as the OpenAI side sees them: UNAVAILABLE = a broken backend, the rest 502 with the reason. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof GrpcCallError)) throw err;
      if (err.unavailable) throw new BackendUnavailable(`the gRPC backend of ${this.spec.name} is unavailable: ${err.message}`);
      throw new LoadoutError('backend_error', `the gRPC backend of ${this.spec.name} failed: ${err.message}`);
    }
  }

  /** Status, when the backend implements it: its own account of its memory, for the log. */
  private async logMemory(): Promise<void> {
    try {
      const s = await this.client.status(HEALTH_DEADLINE_MS);
      if (s.memory?.total) this.spec.log(`[loadout] gRPC Status ${s.state}: ${s.memory.total} bytes in use`);
    } catch (err) {
      if (!(err instanceof GrpcCallError)) throw err;
      // UNIMPLEMENTED in many backends: memory then comes from the process group, as for any backend.
    }
  }
}
