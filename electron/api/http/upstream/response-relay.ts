import type { ServerResponse } from 'node:http';
import type { Lease } from '../../../engine/engine.js';
import type { Exchange, ExchangeHandler } from './exchange.js';
import { forwardedResponseHeaders } from './forwarding.js';
import { headerLines, type ResponseHead } from './response-head.js';
import { cutStreamEvent, type Settle } from './relay-common.js';

/**
 * One proxied attempt written to a node:http response (the compatible path: requests the fast path
 * hands over, and answers that follow a loading-state stream). The backend's head becomes the
 * response's, its payload is written as it arrives (node frames it), writes of one read leave corked.
 * `settle` is called once: null when the answer started (from then on this relay owns the response
 * and the lease), or the error that came before any response byte (the caller may retry).
 */
export class ResponseRelay implements ExchangeHandler {
  exchange: Exchange | null = null;
  private answered = false;
  private complete = false;
  private failed = false;
  private eventStream = false;
  private corked = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly lease: Lease,
    private readonly settle: Settle,
  ) {
    res.on('close', this.onClientClose);
  }

  head(head: ResponseHead): void {
    const { res } = this;
    this.answered = true;
    this.failed = head.status >= 500;
    this.eventStream = head.contentType.includes('text/event-stream');
    this.cork();
    // Headers are already out when the client was kept posted on the load (send_loading_state).
    if (!res.headersSent) res.writeHead(head.status, forwardedResponseHeaders(headerLines(head)));
    this.settle(null);
  }

  data(buf: Buffer, start: number, end: number): void {
    const { res } = this;
    if (res.destroyed) return;
    this.cork();
    if (!res.write(buf.subarray(start, end))) {
      this.exchange?.pause();
      res.once('drain', this.onDrain);
    }
  }

  /** The end of one read: what it wrote leaves together (node:http holds on to what it was given). */
  framed(): void {
    if (this.corked) this.exchange?.keepBytes();
    this.uncork();
  }

  end(): void {
    // The last read's bytes were kept by `framed`, which comes first; no read follows this.
    this.complete = true;
    if (!this.res.destroyed) this.res.end();
    this.uncork();
  }

  error(err: Error, answered: boolean): void {
    if (!answered) return this.settle(err);
    const { res } = this;
    this.uncork();
    if (res.writableEnded || res.destroyed) return;
    if (!this.eventStream) return void res.destroy();
    res.end(cutStreamEvent(this.lease));
  }

  /** Finished or aborted by the client: either way the request is no longer in flight. */
  private readonly onClientClose = (): void => {
    if (!this.complete) this.exchange?.abort();
    if (this.answered) this.lease.release(this.failed || !this.complete ? 'failed' : 'ok');
    else this.settle(new Error('the client went away'));
  };

  private readonly onDrain = (): void => this.exchange?.resume();

  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.res.cork();
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.res.uncork();
  }
}
