import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoadoutError } from '../../../shared/errors.js';
import type { Engine, Lease } from '../../engine/engine.js';
import type { ModelSlot } from '../../engine/model-slot.js';
import { decodeSegment } from './control-api.js';
import { acquireWithLoadingState, type LoadWatch } from './loading-state.js';
import { applyRequestRules, RequestGate } from './request-rules.js';
import { requestedModel } from './requested-model.js';
import { readBody } from './respond.js';
import { UpstreamTimeout, type ExchangeHandler, type UpstreamRequest } from './upstream/exchange.js';
import { forwardedHeaderBlock, upstreamPath } from './upstream/forwarding.js';
import { UpstreamPools } from './upstream/pools.js';
import { ResponseRelay } from './upstream/response-relay.js';
import type { Settle } from './upstream/relay-common.js';

/** How one client request is served: the transport's part of the attempts (node:http or the fast path). */
export interface AttemptTransport {
  /** The client went away. */
  gone(): boolean;
  /** A lease on a ready instance; null when the answer was already given (a loading-state stream). */
  acquire(first: boolean): Promise<Lease | null>;
  /** A handler relaying the answer of one attempt to the client; it calls `settle` once. */
  relay(lease: Lease, settle: Settle): ExchangeHandler & { exchange: unknown };
  /** Our own error answer: the model could not be had, or the backend never answered. */
  fail(err: unknown): void;
  /** The attempts ended with no answer to give (the client went away, or a loading stream answered). */
  over(): void;
}

const ONE_MODEL = /^\/v1\/models\/([^/]+)$/;

/** Which model listing a GET path asks for: all of them, one (its id decoded), or none. */
export function modelsRoute(path: string): 'list' | { id: string } | null {
  if (path === '/v1/models') return 'list';
  const one = ONE_MODEL.exec(path);
  return one ? { id: decodeSegment(one[1]!) } : null;
}

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
    readonly engine: Engine,
    private readonly onRouted?: (res: ServerResponse, model: string) => void,
  ) {
    this.gate = new RequestGate(() => engine.currentConfig.globalConcurrencyLimit ?? 0);
  }

  dispose(): void {
    this.pools.close();
  }

  /** `GET /v1/models`: what is configured and listed, aliases too unless `list_aliases: false`. */
  modelList(): { object: 'list'; data: object[] } {
    const created = Math.floor(Date.now() / 1000);
    const data = [];
    const withAliases = this.engine.currentConfig.listAliases ?? true;
    for (const m of this.engine.currentConfig.models) {
      if (m.unlisted) continue;
      const about = { ...(m.displayName ? { name: m.displayName } : {}), ...(m.description ? { description: m.description } : {}) };
      for (const id of withAliases ? [m.name, ...m.aliases] : [m.name]) data.push({ id, object: 'model', created, owned_by: 'loadout', root: m.name, ...about });
    }
    return { object: 'list', data };
  }

  /** `GET /v1/models/{id}` (OpenAI's models.retrieve); `model_not_found` for a model not listed. */
  modelInfo(id: string): object {
    const m = this.engine.currentConfig.models.find((c) => !c.unlisted && (c.name === id || c.aliases.includes(id)));
    if (!m) throw new LoadoutError('model_not_found', `The model \`${id}\` does not exist`);
    return { id, object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'loadout', root: m.name };
  }

  /** The answer to a model listing `modelsRoute` found, on either path. */
  listing(route: 'list' | { id: string }): object {
    return route === 'list' ? this.modelList() : this.modelInfo(route.id);
  }

  /** The node:http path; `fail` answers an error (as the server does for every route). */
  async route(req: IncomingMessage, res: ServerResponse, url: URL, fail: (err: unknown) => void): Promise<void> {
    const raw = await readBody(req);
    const name = requestedModel(raw, req.headers['content-type'], url);
    if (!name) throw new LoadoutError('bad_request', 'model: the request names no model', { field: 'model' });
    const slot = this.slotNamed(name);
    const body = applyRequestRules(raw, req.headers['content-type'], slot.config.requests);
    this.relayTo(slot, req, res, upstreamPath(url), body, fail);
  }

  /**
   * `/upstream/{model}/{path}` (llama-swap's direct pass-through): the model named in the path is
   * loaded like any request's, and the rest of the path, the query (less Loadout's key), the method
   * and the body go to its backend unchanged: the backend's own routes (llama-server's `/props`,
   * `/slots`, `/tokenize`, its web page). Same admission, limits, retry and errors as `/v1`.
   */
  async pass(req: IncomingMessage, res: ServerResponse, url: URL, name: string, rest: string, fail: (err: unknown) => void): Promise<void> {
    const slot = this.slotNamed(name);
    const body = await readBody(req);
    this.relayTo(slot, req, res, upstreamPath(url, rest), body, fail);
  }

  /** A load's view and its pushed updates, for the loading-state stream. */
  private loadWatch(name: string): LoadWatch {
    return {
      view: () => this.engine.resolve(name) && this.engine.getModel(name),
      onChange: (listener) => this.engine.onPush((p) => p.type === 'model' && p.model.name === name && listener(p.model)),
    };
  }

  private slotNamed(name: string): ModelSlot {
    const slot = this.engine.resolve(name);
    if (!slot) throw new LoadoutError('model_not_found', `The model \`${name}\` does not exist`);
    return slot;
  }

  /** One request of a node:http client to `slot`'s backend at `path`, relayed as it answers. */
  private relayTo(slot: ModelSlot, req: IncomingMessage, res: ServerResponse, path: string, body: Buffer, fail: (err: unknown) => void): void {
    this.onRouted?.(res, slot.name);
    res.on('close', this.gate.enter(slot.config));
    let clientGone = false;
    res.on('close', () => (clientGone = true));
    req.socket.setNoDelay(true);
    const request = this.upstreamRequest(slot, req.method ?? 'POST', path, req.rawHeaders, body);
    const acquire = () => this.engine.acquire(slot, 'request');
    const pathname = path.split('?')[0]!;
    this.attempts(slot, request, {
      gone: () => clientGone,
      acquire: (first) => (first ? acquireWithLoadingState(res, slot, body, pathname, acquire, this.loadWatch(slot.name)) : acquire()),
      relay: (lease, settle) => new ResponseRelay(res, lease, settle),
      fail,
      over: () => undefined,
    });
  }

  /** Counts a request against `concurrency_limit` and `global_concurrency_limit` (429 beyond them). */
  enter(slot: ModelSlot): () => void {
    return this.gate.enter(slot.config);
  }

  upstreamRequest(slot: ModelSlot, method: string, path: string, rawHeaders: readonly string[], body: Buffer): UpstreamRequest {
    return { method, path, headerBlock: forwardedHeaderBlock(rawHeaders), body, responseTimeoutMs: slot.config.responseTimeoutMs };
  }

  /**
   * The attempts of one request, started now; the transport hears how they end. A ready model's lease
   * is taken at once, so the request leaves in the same turn as it came in, and an answer that starts
   * costs no promise. A backend that refuses, resets or never answers before the first response byte is
   * probed; an unhealthy one is recycled and the request, not yet answered, is tried once more on a
   * fresh one.
   */
  attempts(slot: ModelSlot, request: UpstreamRequest, t: AttemptTransport): void {
    const lease = this.engine.leaseNow(slot);
    if (lease) this.forward(slot, request, t, lease, 1);
    else this.acquireFor(slot, request, t, 1);
  }

  private acquireFor(slot: ModelSlot, request: UpstreamRequest, t: AttemptTransport, attempt: number): void {
    t.acquire(attempt === 1).then(
      (lease) => {
        if (!lease) return t.over();
        if (t.gone()) {
          lease.release('failed');
          return t.over();
        }
        this.forward(slot, request, t, lease, attempt);
      },
      (err: unknown) => (t.gone() ? t.over() : t.fail(err)),
    );
  }

  private forward(slot: ModelSlot, request: UpstreamRequest, t: AttemptTransport, lease: Lease, attempt: number): void {
    const relay = t.relay(lease, (err) => {
      if (err) void this.afterFailure(slot, request, t, lease, err, attempt);
    });
    relay.exchange = this.pools.of(lease.instance).send(request, relay);
  }

  /** The attempt failed before any answer byte: probe, and retry once on a fresh instance or answer why. */
  private async afterFailure(slot: ModelSlot, request: UpstreamRequest, t: AttemptTransport, lease: Lease, failure: Error, attempt: number): Promise<void> {
    try {
      const retry = attempt === 1 && !t.gone() && (await this.engine.recycleIfBroken(lease, failure.message));
      lease.release('failed');
      if (t.gone()) return t.over();
      if (retry) return this.acquireFor(slot, request, t, attempt + 1);
      t.fail(await this.failure(lease, failure));
    } catch (err) {
      t.fail(err);
    }
  }

  /** A backend that failed before answering: its exit code and last lines if it died, else why. */
  private async failure(lease: Lease, err: Error): Promise<LoadoutError> {
    const inst = lease.instance;
    if (err instanceof UpstreamTimeout && !inst.exit) return new LoadoutError('upstream_timeout', `${lease.model}: ${err.message}`);
    const exit = inst.exit ?? (inst.cutReason ? null : await waitForExit(lease, 1000));
    const slot = this.engine.resolve(lease.model);
    const tail = slot?.lastError?.log_tail ?? [];
    const why = inst.cutReason
      ? `${inst.cutReason} (${err.message})`
      : exit
        ? `${lease.model} backend ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`} during the request`
        : `${lease.model} backend failed during the request: ${err.message}`;
    const code = inst.recycled ? 'unhealthy' : 'backend_error';
    return new LoadoutError(code, tail.length ? `${why}\n${tail.slice(-5).join('\n')}` : why, { exit_code: exit?.exitCode ?? null, log_tail: tail });
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
