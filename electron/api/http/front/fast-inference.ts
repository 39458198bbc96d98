import type { ModelSlot } from '../../../engine/model-slot.js';
import type { Logger } from '../../../engine/platform/logger.js';
import { isLoadoutError } from '../../../../shared/errors.js';
import type { RequestMeter } from '../metrics/request-meter.js';
import type { OpenAiRouter } from '../openai-router.js';
import { applyRequestRules } from '../request-rules.js';
import { scanModel } from '../requested-model.js';
import { checkApiKey, checkHostAndOrigin, type SecurityPolicy } from '../security.js';
import type { ClientConnection, FastHandler } from './client-connection.js';
import { FastRequest } from './fast-request.js';
import type { RequestHead } from './request-head.js';
import { SocketRelay } from './socket-relay.js';

export interface FastInferenceDeps {
  router: OpenAiRouter;
  meter: RequestMeter;
  /** The listener's policy as it is now (`allowed_hosts` follows config reloads). */
  policy(): SecurityPolicy;
  logger: Logger;
}

/**
 * The hot path: OpenAI inference requests (`POST /v1/...` with a JSON body that names a configured
 * model) served on the raw connection, with the same checks, admission, attempts and metrics as the
 * node:http path. Everything else - a refused Host, Origin or key, a body to parse in full, a model
 * not configured, a loading-state stream - is left to node:http, which answers it as it always has.
 */
export class FastInference implements FastHandler {
  constructor(private readonly d: FastInferenceDeps) {}

  take(head: RequestHead, body: Buffer, conn: ClientConnection): boolean {
    const slot = this.claim(head, body);
    if (!slot) return false;
    void this.serve(head, body, slot, conn);
    return true;
  }

  /** The model a request goes to, if the fast path serves it. */
  private claim(head: RequestHead, body: Buffer): ModelSlot | null {
    if (head.method !== 'POST' || !head.target.startsWith('/v1/') || head.target.includes('?')) return null;
    const h = head.headers;
    if (h['transfer-encoding'] !== undefined || h.expect !== undefined || h.upgrade !== undefined) return null;
    const type = h['content-type'];
    if (type !== undefined && !type.includes('json')) return null;
    const policy = this.d.policy();
    if (checkHostAndOrigin(head, policy) || checkApiKey(head, null, policy)) return null;
    const name = scanModel(body);
    if (name === undefined) return null;
    const slot = this.d.router.engine.resolve(name);
    if (!slot) return null;
    if (slot.config.sendLoadingState && slot.instance?.state !== 'ready') return null;
    return slot;
  }

  private async serve(head: RequestHead, raw: Buffer, slot: ModelSlot, conn: ClientConnection): Promise<void> {
    const { router } = this.d;
    const tally = this.d.meter.begin('openai', { scanUsage: true });
    tally.model(slot.name);
    let leave: () => void;
    try {
      leave = router.enter(slot);
    } catch (err) {
      return new FastRequest(conn, tally, () => undefined).fail(err);
    }
    const req = new FastRequest(conn, tally, leave);
    try {
      const body = applyRequestRules(raw, head.headers['content-type'], slot.config.requests);
      await router.attempts(slot, router.upstreamRequest(slot, head.method, head.target, head.raw, body), {
        gone: () => conn.gone,
        acquire: () => router.engine.acquire(slot, 'request'),
        relay: (lease, settle) => new SocketRelay(req, lease, settle),
        fail: (err) => req.fail(err),
      });
    } catch (err) {
      if (!isLoadoutError(err)) this.d.logger.error('request failed', { path: head.target, err: err instanceof Error ? err.stack : String(err) });
      req.fail(err);
    } finally {
      if (conn.gone) req.end(null);
    }
  }
}
