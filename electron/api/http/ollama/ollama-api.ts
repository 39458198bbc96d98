import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoadoutError, isLoadoutError } from '../../../../shared/errors.js';
import type { GpuSnapshot } from '../../../../shared/gpu.js';
import { DEFAULT_OLLAMA } from '../../../engine/config/types.js';
import type { Engine } from '../../../engine/engine.js';
import type { ModelSlot } from '../../../engine/model-slot.js';
import type { Clock } from '../../../engine/platform/clock.js';
import type { Logger } from '../../../engine/platform/logger.js';
import { callBackend, readUpstream, readUpstreamJson, upstreamErrorMessage } from '../backend-call.js';
import type { MeteredRequest } from '../metrics/request-meter.js';
import type { OpenAiRouter } from '../openai-router.js';
import { errorHeaders, readJson, sendJson } from '../respond.js';
import { KeepAliveTimers, keepAliveDelay, parseKeepAlive } from './keep-alive.js';
import { ModelFileInfoCache } from './model-file-info.js';
import { psEntry, showResponse, tagEntry } from './model-catalog.js';
import { OllamaReply, type ReplyKind } from './ollama-reply.js';
import { chatSchema, embeddingsSchema, embedSchema, generateSchema, parseOllama, showSchema } from './ollama-requests.js';
import { SseData } from './sse-data.js';
import { chatToOpenAi, embedToOpenAi, generateToOpenAi, type OpenAiCall } from './to-openai.js';
import type { AnswerReader } from '../upstream/answer-reader.js';

export interface OllamaApiDeps {
  engine: Engine;
  /** Inference goes through the OpenAI router's attempts (admission, retry, errors). */
  router: OpenAiRouter;
  gpu(): GpuSnapshot;
  clock: Clock;
  logger: Logger;
  /** Loadout's own version, reported next to the Ollama API level by `/api/version`. */
  version: string;
}

/** The Ollama API level Loadout speaks (api/types.go fields up to that release). */
export const OLLAMA_API_VERSION = '0.12.0';

/** Ollama's paths, routed explicitly: Loadout's own control API lives under `/api/` too. */
export const OLLAMA_PATHS = new Set(['/api/version', '/api/tags', '/api/ps', '/api/show', '/api/chat', '/api/generate', '/api/embed', '/api/embeddings']);

type Json = Record<string, unknown>;

/**
 * The Ollama-compatible API (`/api/tags`, `/api/ps`, `/api/show`, `/api/chat`, `/api/generate`,
 * `/api/embed`): listings from the config and the model views, inference translated to the backend's
 * OpenAI routes and back (NDJSON when streaming). Errors use Ollama's `{"error": "..."}` shape.
 */
export class OllamaApi {
  private readonly files = new ModelFileInfoCache();
  private readonly keepAlive: KeepAliveTimers;

  constructor(private readonly d: OllamaApiDeps) {
    this.keepAlive = new KeepAliveTimers(d.engine, d.clock, d.logger.child({ component: 'ollama' }));
  }

  dispose(): void {
    this.keepAlive.dispose();
  }

  /** Serves an Ollama path; errors are answered in Ollama's shape. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, meter: MeteredRequest | undefined): Promise<void> {
    try {
      await this.route(req, res, path, meter);
    } catch (err) {
      if (!isLoadoutError(err)) this.d.logger.error('ollama request failed', { path, err: err instanceof Error ? err.stack : String(err) });
      const e = isLoadoutError(err) ? err : new LoadoutError('internal', err instanceof Error ? err.message : String(err));
      meter?.error(e.code);
      sendOllamaError(res, e);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, meter: MeteredRequest | undefined): Promise<void> {
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';
    if (path === '/api/version' && get) return sendJson(res, 200, { version: OLLAMA_API_VERSION, loadout: this.d.version });
    if (path === '/api/tags' && get) return sendJson(res, 200, { models: await this.tags() });
    if (path === '/api/ps' && get) return sendJson(res, 200, { models: await this.ps() });
    if (method !== 'POST') throw new LoadoutError('not_found', `no route for ${method} ${path}`);
    const body = await readJson(req);
    switch (path) {
      case '/api/show': {
        const r = parseOllama(showSchema, body);
        const slot = this.slot((r.model ?? r.name)!);
        return sendJson(res, 200, showResponse(slot.config, await this.fileInfo(slot)));
      }
      case '/api/chat': {
        const r = parseOllama(chatSchema, body);
        const empty = !r.messages?.length;
        return this.infer(res, 'chat', r.model, r.keep_alive, empty ? null : chatToOpenAi(r), meter);
      }
      case '/api/generate': {
        const r = parseOllama(generateSchema, body);
        const empty = !r.prompt && !r.suffix && !r.images?.length;
        return this.infer(res, 'generate', r.model, r.keep_alive, empty ? null : generateToOpenAi(r), meter);
      }
      case '/api/embed':
        return this.embed(res, parseOllama(embedSchema, body), 'embed', meter);
      case '/api/embeddings': {
        const r = parseOllama(embeddingsSchema, body);
        return this.embed(res, { ...r, input: r.prompt }, 'embeddings', meter);
      }
      default:
        throw new LoadoutError('not_found', `no route for ${method} ${path}`);
    }
  }

  // ---- listings ----------------------------------------------------------------------------

  private async tags(): Promise<Json[]> {
    const out: Json[] = [];
    for (const c of this.d.engine.currentConfig.models) {
      if (c.unlisted) continue;
      const file = await this.files.get(c.name, c.model, c.sourceFile);
      out.push(tagEntry(c, file));
    }
    return out;
  }

  private async ps(): Promise<Json[]> {
    const { engine } = this.d;
    const settings = engine.rawSettings();
    const gpu = this.d.gpu();
    const onGpu = gpu.source !== 'ram' && gpu.source !== 'none' && gpu.source !== 'unified';
    const now = this.d.clock.now();
    const out: Json[] = [];
    for (const view of engine.listModels()) {
      if (view.state !== 'ready' && view.state !== 'starting') continue;
      const slot = engine.resolve(view.name);
      if (!slot) continue;
      const c = slot.config;
      const idleTimeoutMs = settings.idleCheck ? (c.ttlMs ?? settings.idleTimeoutMs) : 0;
      out.push(psEntry(c, view, await this.fileInfo(slot), { idleTimeoutMs, now, onGpu }));
    }
    return out;
  }

  private fileInfo(slot: ModelSlot) {
    return this.files.get(slot.name, slot.config.model, slot.config.sourceFile);
  }

  /** A model by name or alias; Ollama clients may add the default `:latest` tag. */
  private slot(name: string): ModelSlot {
    const slot = this.d.engine.resolve(name) ?? (name.endsWith(':latest') ? this.d.engine.resolve(name.slice(0, -':latest'.length)) : null);
    if (!slot) throw new LoadoutError('model_not_found', `model "${name}" not found`);
    return slot;
  }

  // ---- inference ---------------------------------------------------------------------------

  /**
   * A client's keep_alive under the configured policy: `delay` is the ms after the request at which the
   * model unloads, or null when the hint changes nothing (absent, ignored, pinned, or longer than the config allows).
   */
  private keepAliveFor(slot: ModelSlot, raw: unknown): { hint: number | undefined; delay: number | null } {
    const hint = parseKeepAlive(raw);
    if (hint !== undefined && typeof hint !== 'number') throw new LoadoutError('bad_request', hint.error, { field: 'keep_alive' });
    const policy = this.d.engine.currentConfig.ollama ?? DEFAULT_OLLAMA;
    if (hint === undefined || policy.keepAlive === 'ignore') return { hint, delay: null };
    const s = this.d.engine.rawSettings();
    const configured = s.idleCheck ? (slot.config.ttlMs ?? s.idleTimeoutMs) : 0;
    return { hint, delay: keepAliveDelay(hint, configured, slot.config.pinned) };
  }

  /**
   * Chat or generate. Without a prompt it only loads the model (Ollama's preload), or with a honoured
   * `keep_alive: 0` unloads it (how Open WebUI unloads).
   */
  private async infer(res: ServerResponse, kind: ReplyKind, name: string, keepAliveRaw: unknown, call: OpenAiCall | null, meter: MeteredRequest | undefined): Promise<void> {
    const slot = this.slot(name);
    meter?.model(slot.name);
    const { hint, delay } = this.keepAliveFor(slot, keepAliveRaw);
    const started = this.d.clock.now();
    const reply = new OllamaReply(kind, name, () => this.d.clock.now());
    if (!call) {
      const doneReason = await this.loadOrUnload(slot, hint, delay);
      const totalMs = this.d.clock.now() - started;
      return sendJson(res, 200, { ...reply.done({ totalMs, loadMs: totalMs }), done_reason: doneReason });
    }
    const answer = await this.send(res, slot, call, delay);
    if (!answer) return;
    const { upstream, waitedMs } = answer;
    const totals = () => ({ totalMs: this.d.clock.now() - started, loadMs: waitedMs });
    const streamed = call.body.stream === true;
    if (!streamed || !upstream.contentType.includes('text/event-stream')) {
      // A backend that answers a stream request whole: one record, already done.
      const whole = reply.whole(await readUpstreamJson<Json>(upstream, slot.name), totals());
      meter?.tokens(reply.usage);
      if (!streamed) return sendJson(res, 200, whole);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      return void res.end(`${JSON.stringify(whole)}\n`);
    }
    await this.stream(res, upstream, reply, totals);
    meter?.tokens(reply.usage);
  }

  /** A request without a prompt: load, or unload on `keep_alive: 0` (`ignored` when the policy keeps it). */
  private async loadOrUnload(slot: ModelSlot, hint: number | undefined, delay: number | null): Promise<string> {
    if (delay === 0) {
      await this.d.engine.unload(slot.name);
      return 'unload';
    }
    if (hint === 0) return 'ignored';
    await this.d.engine.load(slot.name, 'request');
    if (delay !== null) this.keepAlive.requestEnded(slot.name, delay);
    return 'load';
  }

  /** OpenAI stream → NDJSON, record by record as the backend sends them. */
  private stream(res: ServerResponse, upstream: AnswerReader, reply: OllamaReply, totals: () => { totalMs: number; loadMs: number }): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    const sse = new SseData();
    const write = (o: Json | null) => {
      if (o && !res.destroyed) res.write(`${JSON.stringify(o)}\n`);
    };
    const events = (data: string[]) => {
      for (const d of data) {
        if (d === '[DONE]') continue;
        try {
          write(reply.chunk(JSON.parse(d) as Json));
        } catch {
          this.d.logger.debug('ollama: skipped a stream event that is not JSON', { data: d.slice(0, 200) });
        }
      }
    };
    upstream.setEncoding('utf8');
    return new Promise((resolve) => {
      upstream.on('data', (text: string) => events(sse.push(text)));
      upstream.on('end', () => {
        events(sse.end());
        write(reply.pendingToolCalls());
        write(reply.done(totals()));
        res.end();
        resolve();
      });
      upstream.on('error', () => res.destroy());
      // The client went away (the upstream request is aborted with it) or the backend died mid-stream.
      upstream.on('close', () => {
        if (!upstream.complete) res.destroy();
        resolve();
      });
    });
  }

  private async embed(res: ServerResponse, r: { model: string; input: string | string[]; dimensions?: number | null; keep_alive?: unknown }, shape: 'embed' | 'embeddings', meter: MeteredRequest | undefined): Promise<void> {
    const slot = this.slot(r.model);
    meter?.model(slot.name);
    const { delay } = this.keepAliveFor(slot, r.keep_alive);
    const started = this.d.clock.now();
    const answer = await this.send(res, slot, embedToOpenAi({ model: r.model, input: r.input, dimensions: r.dimensions ?? undefined }), delay);
    if (!answer) return;
    const json = await readUpstreamJson<{ data?: { index?: number; embedding?: number[] }[]; usage?: { prompt_tokens?: number } }>(answer.upstream, slot.name);
    const vectors = [...(json.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((d) => d.embedding ?? []);
    const prompt = json.usage?.prompt_tokens ?? 0;
    meter?.tokens({ prompt, completion: 0 });
    if (shape === 'embeddings') return sendJson(res, 200, { embedding: vectors[0] ?? [] });
    const ns = (ms: number) => Math.round(ms * 1e6);
    sendJson(res, 200, { model: r.model, embeddings: vectors, total_duration: ns(this.d.clock.now() - started), load_duration: ns(answer.waitedMs), prompt_eval_count: prompt });
  }

  /**
   * Leases the model and sends the OpenAI request; a backend error status becomes an Ollama error with
   * the backend's message. The keep_alive timer starts when the client's response closes.
   */
  private async send(res: ServerResponse, slot: ModelSlot, call: OpenAiCall, keepAliveMs: number | null) {
    this.keepAlive.requestStarted(slot.name);
    const answer = await callBackend(this.d.router, slot, res, { method: 'POST', path: call.path, body: call.body });
    if (answer && keepAliveMs !== null) res.once('close', () => this.keepAlive.requestEnded(slot.name, keepAliveMs));
    if (answer && answer.upstream.status >= 400) {
      const status = answer.upstream.status;
      const text = await readUpstream(answer.upstream);
      sendJson(res, status, { error: upstreamErrorMessage(status, text) });
      return null;
    }
    return answer;
  }
}

/** Ollama's error shape: `{"error": "message"}` (its clients read a string), plus our code. */
export function sendOllamaError(res: ServerResponse, e: LoadoutError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.status, { error: e.message, code: e.code }, errorHeaders(e));
}
