import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LoadoutError } from '../../../../shared/errors.js';
import { readJson, sendError, sendJson } from '../../platform/http-json.js';
import { BackendUnavailable, type Generation, type Inference } from './inference.js';
import { parseChatRequest, parseCompletionRequest, parseEmbeddingRequest, type Sampling } from './openai-requests.js';
import { chatChunk, chatCompletion, embeddingList, modelList, textChunk, textCompletion, usageChunk, type ResponseMeta } from './openai-responses.js';
import { PieceBatcher, sseEventEncoder } from './sse-pieces.js';

export interface OpenAiServerOptions {
  /** Called for every failed request (the child's log, the engine's log). */
  onError?: (route: string, err: unknown) => void;
  now?: () => number;
}

/**
 * The OpenAI routes llama-server offers, served from an `Inference`: `/health` (503 while loading,
 * 200 when ready), `/v1/models`, `/v1/chat/completions` and `/v1/completions` (streamed as SSE or
 * not), `/v1/embeddings`. A client that disconnects aborts its generation.
 */
export function createOpenAiServer(inference: Inference, opts: OpenAiServerOptions = {}): Server {
  const now = opts.now ?? Date.now;
  let seq = 0;
  const meta = (prefix: string, model: string): ResponseMeta => ({ id: `${prefix}-${now().toString(36)}${(seq++).toString(36)}`, created: Math.floor(now() / 1000), model });

  const handle = async (req: IncomingMessage, res: ServerResponse, abort: AbortController): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const model = inference.readyModel;
    if (path === '/health' && req.method === 'GET') {
      if (!model) return sendJson(res, 503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
      if (inference.healthy && !(await inference.healthy(abort.signal))) return sendJson(res, 503, { error: { code: 503, message: 'Backend not answering', type: 'unavailable_error' } });
      return sendJson(res, 200, { status: 'ok' });
    }
    if (!model) return sendJson(res, 503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
    if (path === '/v1/models' && req.method === 'GET') return sendJson(res, 200, modelList(model, Math.floor(now() / 1000)));
    if (req.method !== 'POST') throw new LoadoutError('not_found', `no route ${req.method} ${path}`);
    if (path === '/v1/chat/completions') {
      const body = parseChatRequest(await readJson(req));
      const m = meta('chatcmpl', model);
      if (!body.stream) return sendJson(res, 200, chatCompletion(m, await inference.chat(body, () => undefined, abort.signal)));
      return stream(res, {
        body, meta: m, object: 'chat.completion.chunk',
        first: chatChunk(m, { role: 'assistant', content: '' }),
        piece: (t) => chatChunk(m, { content: t }),
        last: (g) => chatChunk(m, {}, g.finishReason),
        run: (onText) => inference.chat(body, onText, abort.signal),
      });
    }
    if (path === '/v1/completions') {
      const body = parseCompletionRequest(await readJson(req));
      const m = meta('cmpl', model);
      if (!body.stream) return sendJson(res, 200, textCompletion(m, await inference.complete(body, () => undefined, abort.signal)));
      return stream(res, {
        body, meta: m, object: 'text_completion', first: null,
        piece: (t) => textChunk(m, t),
        last: (g) => textChunk(m, '', g.finishReason),
        run: (onText) => inference.complete(body, onText, abort.signal),
      });
    }
    if (path === '/v1/embeddings') {
      const { inputs, encoding } = parseEmbeddingRequest(await readJson(req));
      return sendJson(res, 200, embeddingList(model, await inference.embed(inputs, abort.signal), encoding));
    }
    throw new LoadoutError('not_found', `no route ${req.method} ${path}`);
  };

  return createServer((req, res) => {
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    handle(req, res, abort).catch((err: unknown) => {
      opts.onError?.(req.url ?? '/', err);
      if (err instanceof BackendUnavailable) {
        // Mid-stream the client must see a broken response, not a clean end.
        if (res.headersSent) res.destroy();
        else sendError(res, new LoadoutError('backend_error', err.message));
        return;
      }
      sendError(res, err);
    });
  });
}

/**
 * Server-Sent Events as llama-server sends them: an optional first chunk, a chunk per piece of text
 * (pieces generated in the same turn of the event loop share one), a chunk with the finish reason, a
 * usage chunk when asked for, then `[DONE]`.
 */
interface StreamPlan {
  body: Sampling;
  meta: ResponseMeta;
  object: string;
  first: unknown;
  piece: (text: string) => unknown;
  last: (g: Generation) => unknown;
  run: (onText: (text: string) => void) => Promise<Generation>;
}

async function stream(res: ServerResponse, { body, meta: m, object, first, piece, last, run }: StreamPlan): Promise<void> {
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  const event = sseEventEncoder(piece);
  const pieces = new PieceBatcher((text) => {
    if (!res.destroyed) res.write(event(text));
  });
  res.socket?.setNoDelay(true); // each event leaves at once, not held for a fuller packet
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (first !== null) send(first);
  const g = await run((text) => pieces.push(text));
  pieces.flush();
  send(last(g));
  if (body.includeUsage) send(usageChunk(m, object, g));
  res.end('data: [DONE]\n\n');
}
