import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Lease } from '../../engine/engine.js';
import { CONNECT_TIMEOUT_MS } from './upstream-pool.js';
import { forwardHeaders } from './upstream-request.js';

/** No response headers within the model's `response_timeout`: the backend is then probed. */
export class UpstreamTimeout extends Error {}

/**
 * One proxied attempt as an undici dispatch handler: the backend's answer is written to the client as
 * its bytes arrive, with no stream objects or promise chains in between. Writes made in one turn of the
 * event loop (a whole small answer, or the chunks of one socket read) leave in one corked write.
 *
 * `settle` is called once: with null when the answer started (from then on this relay owns the response
 * and the lease), or with the error that came before any response byte (the caller may retry).
 */
export class UpstreamRelay implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private answered = false;
  private settled = false;
  private complete = false;
  private failed = false;
  private corked = false;
  private eventStream = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly lease: Lease,
    private readonly responseTimeoutMs: number | null,
    private readonly settle: (err: Error | null) => void,
  ) {
    res.on('close', this.onClientClose);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(new Error('the client went away'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    const { res } = this;
    this.answered = true;
    this.failed = statusCode >= 500;
    const type = headers['content-type'];
    this.eventStream = typeof type === 'string' && type.includes('text/event-stream');
    this.cork();
    // Headers are already out when the client was kept posted on the load (send_loading_state).
    if (!res.headersSent) res.writeHead(statusCode, forwardHeaders(headers));
    this.finishSettle(null);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const { res } = this;
    if (res.destroyed) return;
    this.cork();
    if (!res.write(chunk) && !controller.paused) {
      controller.pause();
      res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.complete = true;
    if (!this.res.destroyed) this.res.end();
    this.uncork();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (!this.answered) return this.finishSettle(upstreamError(err, this.responseTimeoutMs));
    const { res } = this;
    this.uncork();
    if (res.writableEnded || res.destroyed) return;
    if (!this.eventStream) return void res.destroy();
    // A stream the backend cut (it died or was stopped) ends with an OpenAI-style error event, so
    // clients see why instead of a bare `terminated`.
    const message = this.lease.instance.cutReason ?? `${this.lease.model} backend closed the stream before it ended`;
    res.end(`\n\ndata: ${JSON.stringify({ error: { message, type: 'server_error', code: 'backend_error' } })}\n\n`);
  }

  private finishSettle(err: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(err);
  }

  /** Finished or aborted by the client: either way the request is no longer in flight. */
  private readonly onClientClose = (): void => {
    this.uncork();
    if (!this.complete) this.controller?.abort(new Error('the client went away'));
    if (this.answered) this.lease.release(this.failed || !this.complete ? 'failed' : 'ok');
  };

  private readonly onDrain = (): void => this.controller?.resume();

  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.res.cork();
    queueMicrotask(this.uncorkTask);
  }

  private readonly uncorkTask = (): void => this.uncork();

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.res.uncork();
  }
}

function upstreamError(err: Error, responseTimeoutMs: number | null): Error {
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamTimeout(`no response within response_timeout ${(responseTimeoutMs ?? 0) / 1000}s`);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new Error(`could not connect within ${CONNECT_TIMEOUT_MS / 1000}s`);
  return err;
}
