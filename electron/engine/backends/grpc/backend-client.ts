import { credentials, loadPackageDefinition, Metadata, status, type CallOptions, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ModelOptionsMessage, PredictOptionsMessage } from './grpc-messages.js';

/** backend.proto, next to this file (the build copies it into dist/). */
export const BACKEND_PROTO = fileURLToPath(new URL('./backend.proto', import.meta.url));

export interface ReplyMessage {
  message: Buffer;
  tokens: number;
  prompt_tokens: number;
}

export interface StatusMessage {
  state: 'UNINITIALIZED' | 'BUSY' | 'READY' | 'ERROR';
  memory: { total: number; breakdown: Record<string, number> } | null;
}

type Unary<Req, Res> = (req: Req, meta: Metadata, opts: CallOptions, cb: (err: ServiceError | null, res: Res) => void) => void;

interface BackendStub extends Client {
  Health: Unary<object, ReplyMessage>;
  LoadModel: Unary<ModelOptionsMessage, { message: string; success: boolean }>;
  Predict: Unary<PredictOptionsMessage, ReplyMessage>;
  Embedding: Unary<PredictOptionsMessage, { embeddings: number[] }>;
  Status: Unary<object, StatusMessage>;
  PredictStream(req: PredictOptionsMessage, meta: Metadata, opts: CallOptions): ClientReadableStream<ReplyMessage>;
}

let stubClass: (new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options: object) => BackendStub) | null = null;

function backendStub(): NonNullable<typeof stubClass> {
  if (!stubClass) {
    const def = loadSync(BACKEND_PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    stubClass = (loadPackageDefinition(def) as unknown as { backend: { Backend: NonNullable<typeof stubClass> } }).backend.Backend;
  }
  return stubClass;
}

/** A gRPC call that ended with a status; `unavailable` = the backend cannot be reached (gone or not up). */
export class GrpcCallError extends Error {
  override name = 'GrpcCallError';
  constructor(
    readonly rpc: string,
    readonly code: number,
    details: string,
  ) {
    super(`${rpc}: ${details || status[code] || `gRPC status ${code}`}`);
  }

  get unavailable(): boolean {
    return this.code === status.UNAVAILABLE;
  }
}

/**
 * A typed client for one LocalAI backend process on a loopback port. Every call takes an
 * AbortSignal (a disconnected client cancels its generation) and an optional deadline.
 */
export class BackendClient {
  private readonly stub: BackendStub;

  constructor(port: number) {
    const Stub = backendStub();
    // Reconnect quickly: the backend is local, and the first attempts race its start.
    this.stub = new Stub(`127.0.0.1:${port}`, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 20,
      'grpc.max_reconnect_backoff_ms': 250,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  health(deadlineMs: number, signal?: AbortSignal): Promise<ReplyMessage> {
    return this.unary('Health', {}, signal, deadlineMs);
  }

  loadModel(options: ModelOptionsMessage, signal?: AbortSignal): Promise<{ message: string; success: boolean }> {
    return this.unary('LoadModel', options, signal);
  }

  predict(req: PredictOptionsMessage, signal?: AbortSignal): Promise<ReplyMessage> {
    return this.unary('Predict', req, signal);
  }

  embedding(req: PredictOptionsMessage, signal?: AbortSignal): Promise<{ embeddings: number[] }> {
    return this.unary('Embedding', req, signal);
  }

  status(deadlineMs: number): Promise<StatusMessage> {
    return this.unary('Status', {}, undefined, deadlineMs);
  }

  /** Calls `onReply` for each streamed reply; resolves when the stream ends. */
  predictStream(req: PredictOptionsMessage, onReply: (r: ReplyMessage) => void, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = this.stub.PredictStream(req, new Metadata(), {});
      const onAbort = () => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      call.on('data', onReply);
      call.on('error', (err: ServiceError) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new GrpcCallError('PredictStream', err.code, err.details));
      });
      call.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  close(): void {
    this.stub.close();
  }

  private unary<Res>(rpc: 'Health' | 'LoadModel' | 'Predict' | 'Embedding' | 'Status', req: object, signal?: AbortSignal, deadlineMs?: number): Promise<Res> {
    return new Promise((resolve, reject) => {
      const opts: CallOptions = deadlineMs ? { deadline: Date.now() + deadlineMs } : {};
      const fn = this.stub[rpc] as unknown as Unary<object, Res>;
      const call = fn.call(this.stub, req, new Metadata(), opts, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(new GrpcCallError(rpc, err.code, err.details));
        else resolve(res);
      }) as unknown as { cancel(): void };
      const onAbort = () => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
