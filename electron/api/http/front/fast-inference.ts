import type { ModelSlot } from '../../../engine/model-slot.js';
import type { Logger } from '../../../engine/platform/logger.js';
import type { RequestMeter } from '../metrics/request-meter.js';
import { errorAnswer } from '../../../engine/platform/http-json.js';
import { modelsRoute, type OpenAiRouter } from '../openai-router.js';
import { applyRequestRules } from '../request-rules.js';
import { scanModel } from '../requested-model.js';
import { checkApiKey, checkHostAndOrigin, type SecurityPolicy } from '../security.js';
import type { ClientConnection, FastHandler } from './client-connection.js';
import { FastRequest, rawJson, type FastRequestDeps } from './fast-request.js';
import type { RequestHead } from './request-head.js';

export interface FastInferenceDeps {
  router: OpenAiRouter;
  meter: RequestMeter;
  /** The listener's policy as it is now (`allowed_hosts` follows config reloads). */
  policy(): SecurityPolicy;
  logger: Logger;
}

/**
 * The hot path: OpenAI inference requests (`POST /v1/...` with a JSON body that names a configured
 * model), and the model listings clients fetch before them, served on the raw connection, with the same checks, admission, attempts and metrics as the
 * node:http path. Everything else - a refused Host, Origin or key, a body to parse in full, a model
 * not configured, a loading-state stream - is left to node:http, which answers it as it always has.
 */
export class FastInference implements FastHandler {
  private readonly deps: FastRequestDeps;

  constructor(private readonly d: FastInferenceDeps) {
    this.deps = { engine: d.router.engine, logger: d.logger };
  }

  take(head: RequestHead, body: Buffer, conn: ClientConnection): boolean {
    if (head.method === 'GET') return this.listing(head, conn);
    const slot = this.claim(head, body);
    if (!slot) return false;
    this.serve(head, body, slot, conn);
    return true;
  }

  /**
   * `GET /v1/models` and `GET /v1/models/{id}`, the calls a client makes before its chats, often on the
   * same keep-alive connection: answered here (the router's own listing), so the connection stays fast.
   */
  private listing(head: RequestHead, conn: ClientConnection): boolean {
    const h = head.headers;
    if (head.target.includes('?') || head.contentLength > 0 || h['transfer-encoding'] !== undefined || h.upgrade !== undefined) return false;
    let route: ReturnType<typeof modelsRoute>;
    try {
      route = modelsRoute(head.target);
    } catch {
      return false; // a malformed id: node:http answers the 400
    }
    if (!route || this.refused(head)) return false;
    let answer: string;
    try {
      answer = rawJson(200, this.d.router.listing(route), {}, conn.closing).bytes;
    } catch (err) {
      const a = errorAnswer(err);
      answer = rawJson(a.status, a.body, a.headers, conn.closing).bytes;
    }
    conn.finish(answer);
    return true;
  }

  /** Host, Origin or API key refused: node:http answers it, as every refusal. */
  private refused(head: RequestHead): boolean {
    const policy = this.d.policy();
    return checkHostAndOrigin(head, policy) !== null || checkApiKey(head, null, policy) !== null;
  }

  /** The model a request goes to, if the fast path serves it. */
  private claim(head: RequestHead, body: Buffer): ModelSlot | null {
    if (head.method !== 'POST' || !head.target.startsWith('/v1/') || head.target.includes('?')) return null;
    const h = head.headers;
    if (h['transfer-encoding'] !== undefined || h.expect !== undefined || h.upgrade !== undefined) return null;
    const type = h['content-type'];
    if (type !== undefined && !type.includes('json')) return null;
    if (this.refused(head)) return null;
    const name = scanModel(body);
    if (name === undefined) return null;
    const slot = this.d.router.engine.resolve(name);
    if (!slot) return null;
    if (slot.config.sendLoadingState && slot.instance?.state !== 'ready') return null;
    return slot;
  }

  private serve(head: RequestHead, raw: Buffer, slot: ModelSlot, conn: ClientConnection): void {
    const { router } = this.d;
    const tally = this.d.meter.begin('openai', { scanUsage: true });
    tally.model(slot.name);
    let leave: () => void;
    try {
      leave = router.enter(slot);
    } catch (err) {
      return new FastRequest(conn, tally, () => undefined, slot, head.target, this.deps).fail(err);
    }
    const req = new FastRequest(conn, tally, leave, slot, head.target, this.deps);
    try {
      const body = applyRequestRules(raw, head.headers['content-type'], slot.config.requests);
      router.attempts(slot, router.upstreamRequest(slot, head.method, head.target, head.raw, body), req);
    } catch (err) {
      req.fail(err);
    }
  }
}
