import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { LoadoutError } from '../../../shared/errors.js';
import type { Engine, Lease } from '../../engine/engine.js';
import { requestedModel } from './requested-model.js';
import { readBody, sendError, sendJson } from './respond.js';
import { forwardHeaders, upstreamPath } from './upstream-request.js';

/**
 * The OpenAI-compatible router: `/v1/models` lists what is configured; every other `/v1/*` request goes
 * to its model's backend, loading it first through the same admission as an API load. The request is
 * in flight until the last byte reaches the client; a client that goes away aborts the upstream request.
 */
export class OpenAiRouter {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1000 });

  constructor(private readonly engine: Engine) {}

  dispose(): void {
    this.agent.destroy();
  }

  listModels(res: ServerResponse): void {
    const created = Math.floor(Date.now() / 1000);
    const data = [];
    for (const m of this.engine.currentConfig.models) {
      if (m.unlisted) continue;
      for (const id of [m.name, ...m.aliases]) data.push({ id, object: 'model', created, owned_by: 'loadout', root: m.name });
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
    const body = await readBody(req);
    const name = requestedModel(body, req.headers['content-type'], url);
    if (!name) throw new LoadoutError('bad_request', 'model: the request names no model', { field: 'model' });
    const slot = this.engine.resolve(name);
    if (!slot) throw new LoadoutError('model_not_found', `The model \`${name}\` does not exist`);
    let clientGone = false;
    res.on('close', () => (clientGone = true));
    const lease = await this.engine.acquire(slot, 'request');
    if (clientGone) return lease.release();
    this.forward(req, res, url, body, lease);
  }

  private forward(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, lease: Lease): void {
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        lease.release();
      }
    };
    const inst = lease.instance;
    const upstream = httpRequest({
      host: '127.0.0.1',
      port: inst.port,
      method: req.method,
      path: upstreamPath(url),
      headers: { ...forwardHeaders(req.headers), 'content-length': String(body.length) },
      agent: this.agent,
    });
    upstream.setNoDelay(true);
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, forwardHeaders(up.headers));
      res.flushHeaders();
      relay(up, res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (err) => void this.upstreamFailed(res, lease, err).finally(release));
    res.on('close', () => {
      // Finished or aborted by the client: either way the request is no longer in flight.
      if (!res.writableFinished) upstream.destroy();
      release();
    });
    req.socket.setNoDelay(true);
    upstream.end(body);
  }

  /** A backend that died mid-request: answer with its exit code and last lines once the exit is known. */
  private async upstreamFailed(res: ServerResponse, lease: Lease, err: Error): Promise<void> {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const inst = lease.instance;
    const exit = inst.exit ?? (await waitForExit(lease, 1000));
    const slot = this.engine.resolve(lease.model);
    const tail = slot?.lastError?.log_tail ?? [];
    const why = exit
      ? `${lease.model} backend ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`} during the request`
      : `${lease.model} backend failed during the request: ${err.message}`;
    sendError(res, new LoadoutError('backend_error', tail.length ? `${why}\n${tail.slice(-5).join('\n')}` : why, { exit_code: exit?.exitCode ?? null, log_tail: tail }));
  }
}

/**
 * Passes the backend's answer on as it arrives. Chunks that arrive in one socket read go out as one
 * write (a microtask later, so no token waits): piping wrote each small SSE event as its own chunk
 * frame, and that per-write cost held streaming throughput to about two thirds of a direct connection.
 */
function relay(up: IncomingMessage, res: ServerResponse): void {
  let pending: Buffer[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0 || res.destroyed) return;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    if (!res.write(chunk)) {
      up.pause();
      res.once('drain', () => up.resume());
    }
  };
  up.on('data', (c: Buffer) => {
    pending.push(c);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  });
  up.on('end', () => {
    flush();
    res.end();
  });
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
