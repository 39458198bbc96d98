import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandHandlers, LogLine } from '../../../shared/commands.js';
import { LoadoutError } from '../../../shared/errors.js';
import type { LoadoutEvent } from '../../../shared/events.js';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import { STREAM_PATHS } from '../../../shared/http-routes.js';
import type { Push } from '../../../shared/push.js';
import type { Engine } from '../../engine/engine.js';
import type { Clock } from '../../engine/platform/clock.js';
import type { Logger } from '../../engine/platform/logger.js';
import { decodeSegment, handleControl } from './control-api.js';
import { FastInference } from './front/fast-inference.js';
import { FrontDoor } from './front/front-door.js';
import { LoadoutMetrics } from './metrics/loadout-metrics.js';
import { RequestMeter } from './metrics/request-meter.js';
import { OLLAMA_PATHS, OllamaApi } from './ollama/ollama-api.js';
import { modelsRoute, OpenAiRouter } from './openai-router.js';
import { sendError, sendJson } from './respond.js';
import { checkApiKey, checkHostAndOrigin, type SecurityPolicy } from './security.js';
import { SseStream, resumeFrom } from './sse.js';
import { serveStatic } from './static-files.js';
import { KEEP_ALIVE_MS } from './front/client-connection.js';

export interface HttpServerDeps {
  engine: Engine;
  handlers: CommandHandlers;
  onLog(model: string, listener: (line: LogLine) => void): () => void;
  rendererDir: string | null;
  apiKey: string | null;
  apiKeys?: string[];
  /** Read per request, so a config reload applies `allowed_hosts` without a restart. */
  allowedHosts?: () => readonly string[] | undefined;
  logger: Logger;
  clock: Clock;
  gpu(): GpuSnapshot;
  version: string;
}

/** Ollama's own clients probe `GET /` for this line before anything else. */
const OLLAMA_ROOT = 'Ollama is running';

/** Ollama routes that run inference (counted as requests in the metrics). */
const OLLAMA_INFERENCE = new Set(['/api/chat', '/api/generate', '/api/embed', '/api/embeddings']);

interface Listener {
  server: Server;
  door: FrontDoor;
  policy: SecurityPolicy | null;
  /** The `ollama_listen` listener answers `GET /` as Ollama does instead of serving the dashboard. */
  ollama: boolean;
}

const LOG_STREAM = new RegExp(`^${STREAM_PATHS.logs.replace(':name', '([^/]+)')}$`);

/** llama-swap's direct pass-through to one model's backend: `/upstream/{model}` and what follows. */
const UPSTREAM_PATH = /^\/upstream\/([^/]+)(\/.*)?$/;
/** llama.cpp's own inference routes (llama-server, and llama-swap in front of it), routed by the body's `model` like `/v1`. */
const LLAMA_CPP_ROUTES = new Set(['/completion', '/completions', '/infill', '/embedding', '/embeddings', '/rerank', '/reranking', '/tokenize', '/detokenize', '/apply-template']);

/**
 * The HTTP face of the engine: control API, SSE streams, OpenAI router, Ollama API, `/metrics`,
 * dashboard; on the main listener and, when configured, on a second one at Ollama's address.
 */
export class HttpServer {
  private readonly listeners: Listener[] = [];
  private readonly router: OpenAiRouter;
  private readonly ollama: OllamaApi;
  private readonly metrics: LoadoutMetrics;
  private readonly meter: RequestMeter;
  private readonly streams = new Set<SseStream>();

  constructor(private readonly d: HttpServerDeps) {
    const events = d.engine.context.events;
    this.metrics = new LoadoutMetrics({ models: () => d.engine.listModels(), gpu: d.gpu, subscribe: (l) => events.subscribe(l) });
    this.meter = new RequestMeter((r) => {
      this.metrics.request(r);
      d.engine.recordRequest(r);
    }, () => d.clock.now());
    this.router = new OpenAiRouter(d.engine, (res, model) => this.meter.of(res)?.model(model));
    this.ollama = new OllamaApi({ engine: d.engine, router: this.router, gpu: d.gpu, clock: d.clock, logger: d.logger, version: d.version });
  }

  /** The main listener (API, routers, dashboard). */
  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return this.bind(host, port, false);
  }

  /** `ollama_listen`: the same API at the address Ollama clients assume. */
  listenOllama(host: string, port: number): Promise<{ host: string; port: number }> {
    return this.bind(host, port, true);
  }

  private async bind(host: string, port: number, ollama: boolean): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => void this.handle(req, res, listener));
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    const fast = new FastInference({ router: this.router, meter: this.meter, policy: () => this.policyOf(listener), logger: this.d.logger });
    const listener: Listener = { server, door: new FrontDoor(server, fast), policy: null, ollama };
    await listener.door.listen(port, host);
    const addr = listener.door.server.address() as AddressInfo;
    listener.policy = { port: addr.port, listenHost: host, apiKey: this.d.apiKey, apiKeys: this.d.apiKeys };
    this.listeners.push(listener);
    return { host, port: addr.port };
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.close();
    this.router.dispose();
    this.ollama.dispose();
    this.metrics.dispose();
    await Promise.all(this.listeners.map(({ door }) => door.close()));
  }

  /** The listener's policy with the `allowed_hosts` of the config now running (made anew only when they change). */
  private policyOf(listener: Listener): SecurityPolicy {
    const hosts = this.d.allowedHosts?.();
    if (listener.policy!.allowedHosts !== hosts) listener.policy = { ...listener.policy!, allowedHosts: hosts };
    return listener.policy!;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, listener: Listener): Promise<void> {
    const policy = this.policyOf(listener);
    const url = new URL(req.url ?? '/', 'http://loadout.invalid');
    try {
      const denied = checkHostAndOrigin(req, policy);
      if (denied) throw denied;
      const path = url.pathname;
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (listener.ollama && path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end(OLLAMA_ROOT);
      }
      const isApi = path.startsWith('/api/') || path === '/api';
      const isV1 = path.startsWith('/v1/') || path === '/v1';
      const upstream = UPSTREAM_PATH.exec(path);
      const native = req.method === 'POST' && LLAMA_CPP_ROUTES.has(path);
      if (isApi || isV1 || upstream || native || path === '/metrics') {
        const unauthorized = checkApiKey(req, url, policy);
        if (unauthorized) throw unauthorized;
      }
      if (path === '/metrics' && req.method === 'GET') {
        const { contentType, text } = await this.metrics.scrape();
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        return void res.end(text);
      }
      if (OLLAMA_PATHS.has(path)) {
        const meter = OLLAMA_INFERENCE.has(path) && req.method === 'POST' ? this.meter.track(res, 'ollama', { scanUsage: false }) : undefined;
        return await this.ollama.handle(req, res, path, meter);
      }
      if (upstream) {
        this.meter.track(res, 'openai', { scanUsage: true });
        return await this.router.pass(req, res, url, decodeSegment(upstream[1]!), upstream[2] || '/', (err) => this.failed(res, url, err));
      }
      if (isV1 || native) {
        const listing = req.method === 'GET' ? modelsRoute(path) : null;
        if (listing) return sendJson(res, 200, this.router.listing(listing));
        if (req.method !== 'POST') throw new LoadoutError('not_found', `no route for ${req.method} ${path}`);
        this.meter.track(res, 'openai', { scanUsage: true });
        return await this.router.route(req, res, url, (err) => this.failed(res, url, err));
      }
      if (isApi) {
        if (req.method === 'GET' && this.stream(req, res, url)) return;
        if (await handleControl(req, res, url, this.d.handlers)) return;
        throw new LoadoutError('not_found', `no route for ${req.method} ${path}`);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new LoadoutError('not_found', `no route for ${req.method} ${path}`);
      serveStatic(res, this.d.rendererDir, path);
    } catch (err) {
      this.failed(res, url, err);
    }
  }

  /** An error as the answer: logged when it is a bug, counted by the request metrics. */
  private failed(res: ServerResponse, url: URL, err: unknown): void {
    if (!(err instanceof LoadoutError)) this.d.logger.error('request failed', { path: url.pathname, err: err instanceof Error ? err.stack : String(err) });
    this.meter.of(res)?.error(err instanceof LoadoutError ? err.code : 'internal');
    sendError(res, err);
  }

  /** SSE endpoints; returns false when the path is not a stream. */
  private stream(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const { engine } = this.d;
    const events = engine.context.events;
    if (url.pathname === STREAM_PATHS.events) {
      const sse = this.open(req, res);
      const from = resumeFrom(req, url, events.lastSeq);
      const send = (e: LoadoutEvent) => sse.send(e.type, e, e.seq);
      this.backlog(from, send);
      sse.onClose(events.subscribe(send));
      return true;
    }
    if (url.pathname === STREAM_PATHS.dashboard) {
      const sse = this.open(req, res);
      const from = resumeFrom(req, url, events.lastSeq);
      const send = (p: Push) => (p.type === 'event' ? sse.send('event', p, p.event.seq) : sse.send(p.type, p));
      this.backlog(from, (event) => send({ type: 'event', event }));
      sse.onClose(engine.onPush(send));
      return true;
    }
    const m = LOG_STREAM.exec(url.pathname);
    if (m) {
      const name = decodeSegment(m[1]!);
      engine.getModel(name); // 404 before the stream opens
      const sse = this.open(req, res);
      sse.onClose(this.d.onLog(name, (line) => sse.send('log', line)));
      return true;
    }
    return false;
  }

  private backlog(after: number, send: (e: LoadoutEvent) => void): void {
    const events = this.d.engine.context.events;
    for (let cursor = after; ; ) {
      const page = events.list(cursor, 1000);
      if (page.length === 0) break;
      for (const e of page) send(e);
      cursor = page[page.length - 1]!.seq;
    }
  }

  private open(req: IncomingMessage, res: ServerResponse): SseStream {
    const sse = new SseStream(req, res);
    this.streams.add(sse);
    sse.onClose(() => this.streams.delete(sse));
    return sse;
  }
}
