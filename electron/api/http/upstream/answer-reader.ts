import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Lease } from '../../../engine/engine.js';
import type { Exchange, ExchangeHandler } from './exchange.js';
import type { Settle } from './relay-common.js';
import type { ResponseHead } from './response-head.js';

/**
 * One attempt's answer as a readable stream of its payload (framing removed), for a face that
 * translates answers instead of passing them through (the Ollama API). `settle` as for every relay:
 * null once the head arrived, or the error that came before it (the attempt may be tried again). From
 * the head on, the reader holds the lease until the client's response closes. The consumer paces the
 * backend: its connection pauses while the stream's buffer is full.
 */
export class AnswerReader extends Readable implements ExchangeHandler {
  exchange: Exchange | null = null;
  status = 0;
  contentType = '';
  /** The whole answer arrived. */
  complete = false;
  private answered = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly lease: Lease,
    private readonly settle: Settle,
  ) {
    super();
    res.on('close', this.onClientClose);
  }

  head(h: ResponseHead): void {
    this.answered = true;
    this.status = h.status;
    this.contentType = h.contentType;
    this.settle(null);
  }

  data(buf: Buffer, start: number, end: number): void {
    // Copied: the connection's read buffer is reused by its next read.
    if (!this.push(Buffer.from(buf.subarray(start, end)))) this.exchange?.pause();
  }

  framed(): void {}

  end(): void {
    this.complete = true;
    this.push(null);
  }

  error(err: Error, answered: boolean): void {
    if (!answered) return this.settle(err);
    this.destroy(err);
  }

  override _read(): void {
    this.exchange?.resume();
  }

  /** Finished or aborted by the client: either way the request is no longer in flight. */
  private readonly onClientClose = (): void => {
    if (!this.complete) this.exchange?.abort();
    if (!this.answered) return this.settle(new Error('the client went away'));
    this.lease.release(this.status >= 500 || !this.complete || !this.res.writableFinished ? 'failed' : 'ok');
    if (!this.complete) this.destroy();
  };
}
