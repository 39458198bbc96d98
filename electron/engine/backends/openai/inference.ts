import type { ChatRequest, CompletionRequest } from './openai-requests.js';

/** Why generation stopped, in OpenAI's words. */
export type FinishReason = 'stop' | 'length';

export interface Generation {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

export interface Embeddings {
  vectors: number[][];
  promptTokens: number;
}

/**
 * What a backend that is not OpenAI-compatible itself must offer so that `OpenAiServer` can serve
 * the OpenAI routes for it: the built-in node-llama-cpp backend and the LocalAI gRPC bridge.
 * `onText` receives the answer piece by piece as it is generated (for streaming).
 */
export interface Inference {
  /** Null while loading (health 503); the model name once it serves. */
  readonly readyModel: string | null;
  chat(req: ChatRequest, onText: (text: string) => void, signal: AbortSignal): Promise<Generation>;
  complete(req: CompletionRequest, onText: (text: string) => void, signal: AbortSignal): Promise<Generation>;
  /**
   * Optional liveness check behind `/health` once ready (a gRPC backend can hang while its process
   * lives on); false answers 503 so the engine's health checks see it.
   */
  healthy?(signal: AbortSignal): Promise<boolean>;
  /** Throws LoadoutError('bad_request') when the model is not configured for embeddings. */
  embed(inputs: string[], signal: AbortSignal): Promise<Embeddings>;
}

/**
 * The backend behind an Inference is gone (a gRPC UNAVAILABLE, a crashed process): answered 502, or
 * the connection reset when a stream already started, so the engine sees a broken backend.
 */
export class BackendUnavailable extends Error {
  override name = 'BackendUnavailable';
}
