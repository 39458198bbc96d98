import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { LoadoutError } from '../../../shared/errors.js';
import type { Engine, Lease } from '../../engine/engine.js';
import { acquireWithLoadingState } from './loading-state.js';
import { applyRequestRules, RequestGate } from './request-rules.js';
import { requestedModel } from './requested-model.js';
import { readBody, sendError, sendJson } from './respond.js';
import { UpstreamPools } from './upstream-pool.js';
import { UpstreamRelay, UpstreamTimeout } from './upstream-relay.js';
import { forwardHeaders, upstreamPath } from './upstream-request.js';

/**
 * The OpenAI-compatible router: `/v1/models` lists what is configured; every other `/v1/*` request goes
 * to its model's backend, loading it first through the same admission as an API load. The request is
 * in flight until the last byte reaches the client; a client that goes away aborts the upstream request.
 */
export class OpenAiRouter {
  private readonly pools = new UpstreamPools();
  private readonly gate: RequestGate;

  /** `onRouted` learns which configured model a request went to (the request metrics label it). */
  constructor(
    private readonly engine: Engine,
    private readonly onRouted?: (res: ServerResponse, model: string) => void,
  ) {
    this.gate = new RequestGate(() => engine.currentConfig.globalConcurrencyLimit ?? 0);
  }

  dispose(): void {
    void this.pools.close();
  }

  listModels(res: ServerResponse): void {
    const created = Math.floor(Date.now() / 1000);
    const data = [];
    const withAliases = this.engine.currentConfig.listAliases ?? true;
    for (const m of this.engine.currentConfig.models) {
      if (m.unlisted) continue;
      const about = { ...(m.displayName ? { name: m.displayName } : {}), ...(m.description ? { description: m.description } : {}) };
      for (const id of withAliases ? [m.name, ...m.aliases] : [m.name]) data.push({ id, object: 'model', created, owned_by: 'loadout', root: m.name, ...about });
    }
    sendJson(res, 200, { object: 'list', data });
  }

  /** `GET /v1/models/{id}` (OpenAI's models.retrieve). */
  getModel(res: ServerResponse, id: string): void {
    const m = this.engine.currentConfig.models.find((c) => !c.unlisted && (c.name === id || c.aliases.includes(id)));
    if (!m) throw new LoadoutError('model_not_found', `The model \`${id}\` does not exist`);
    sendJson(res, 200, { id, object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'loadout', root: m.name });
  }

  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = await readBody(req);
    const name = requestedModel(raw, req.headers['content-type'], url);
    if (!name) throw new LoadoutError('bad_request', 'model: the request names no model', { field: 'model' });
    const slot = this.engine.resolve(name);
    if (!slot) throw new LoadoutError('model_not_found', `The model \`${name}\` does not exist`);
    this.onRouted?.(res, slot.name);
    res.on('close', this.gate.enter(slot.config));
    const body = applyRequestRules(raw, req.headers['content-type'], slot.config.requests);
    let clientGone = false;
    res.on('close', () => (clientGone = true));
    req.socket.setNoDelay(true);
    // A backend that refuses, resets or never answers before the first response byte is probed; an
    // unhealthy one is recycled and the request, not yet answered, is tried once more on a fresh one.
    for (let attempt = 1; ; attempt++) {
      const acquire = () => this.engine.acquire(slot, 'request');
      const lease = attempt === 1 ? await acquireWithLoadingState(res, slot, body, url.pathname, acquire) : await acquire();
      if (!lease) return; // the loading-state stream already carried the error
      if (clientGone) return lease.release('failed');
      const failure = await this.forward(req, res, url, body, lease, slot.config.responseTimeoutMs);
      if (!failure) return;
      const retry = attempt === 1 && !clientGone && (await this.engine.recycleIfBroken(lease, failure.message));
      lease.release('failed');
      if (clientGone) return;
      if (!retry) return this.upstreamFailed(res, lease, failure);
    }
  }

  /**
   * Proxies one attempt through the instance's connection pool. Resolves once the answer has started
   * (null: from then on the relay owns the response and the lease), or with the error that happened
   * before any response byte.
   */
  private forward(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, lease: Lease, responseTimeoutMs: number | null): Promise<Error | null> {
    return new Promise((resolve) => {
      const relay = new UpstreamRelay(res, lease, responseTimeoutMs, resolve);
      this.pools.of(lease.instance).dispatch(
        { method: req.method as Dispatcher.HttpMethod, path: upstreamPath(url), headers: forwardHeaders(req.headers), body, headersTimeout: responseTimeoutMs ?? 0, bodyTimeout: 0 },
        relay,
      );
    });
  }

  /** A backend that failed before answering: its exit code and last lines if it died, else why. */
  private async upstreamFailed(res: ServerResponse, lease: Lease, err: Error): Promise<void> {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const inst = lease.instance;
    if (err instanceof UpstreamTimeout && !inst.exit) {
      sendError(res, new LoadoutError('upstream_timeout', `${lease.model}: ${err.message}`));
      return;
    }
    const exit = inst.exit ?? (inst.cutReason ? null : await waitForExit(lease, 1000));
    const slot = this.engine.resolve(lease.model);
    const tail = slot?.lastError?.log_tail ?? [];
    const why = inst.cutReason
      ? `${inst.cutReason} (${err.message})`
      : exit
        ? `${lease.model} backend ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`} during the request`
        : `${lease.model} backend failed during the request: ${err.message}`;
    const code = inst.recycled ? 'unhealthy' : 'backend_error';
    sendError(res, new LoadoutError(code, tail.length ? `${why}\n${tail.slice(-5).join('\n')}` : why, { exit_code: exit?.exitCode ?? null, log_tail: tail }));
  }
}

function waitForExit(lease: Lease, ms: number): Promise<{ exitCode: number | null; signal: string | null } | null> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (info: { exitCode: number | null; signal: string | null } | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off?.();
      // Let the unloader record the failure (log tail) first: it listens on the same exit.
      setImmediate(() => resolve(info));
    };
    const timer = setTimeout(() => finish(null), ms);
    const off: (() => void) | null = lease.instance.backend.onExit(finish);
  });
}
