import { STATUS_CODES } from 'node:http';
import { isLoadoutError } from '../../../../shared/errors.js';
import type { Engine, Lease } from '../../../engine/engine.js';
import type { ModelSlot } from '../../../engine/model-slot.js';
import { errorAnswer, jsonHeaders } from '../../../engine/platform/http-json.js';
import type { Logger } from '../../../engine/platform/logger.js';
import type { Tally } from '../metrics/request-meter.js';
import type { AttemptTransport } from '../openai-router.js';
import type { Settle } from '../upstream/relay-common.js';
import type { ClientConnection } from './client-connection.js';
import { SocketRelay } from './socket-relay.js';

/** What a fast request's attempts need of the engine. */
export interface FastRequestDeps {
  engine: Engine;
  logger: Logger;
}

/**
 * One request on the fast path, from its head to its answer's last byte: whatever way it ends (relayed,
 * refused, failed, the client gone), `end` runs once, and only then is it off the request metrics and
 * the concurrency limits.
 */
export class FastRequest implements AttemptTransport {
  private ended = false;
  /** The relay has written the answer's head (an error can no longer be answered, only cut). */
  answered = false;

  constructor(
    readonly conn: ClientConnection,
    readonly tally: Tally,
    private readonly leave: () => void,
    private readonly slot: ModelSlot,
    private readonly path: string,
    private readonly d: FastRequestDeps,
  ) {}

  gone(): boolean {
    return this.conn.gone;
  }

  acquire(): Promise<Lease> {
    return this.d.engine.acquire(this.slot, 'request');
  }

  relay(lease: Lease, settle: Settle): SocketRelay {
    return new SocketRelay(this, lease, settle);
  }

  over(): void {
    this.end(null);
  }

  /** The request has ended (its answer, or its end, is given). */
  get finished(): boolean {
    return this.ended;
  }

  /** The answer's last bytes; `after(ok)` runs once they are handed to the client (ok false: they were not). */
  end(last: Buffer | string | null, after?: (ok: boolean) => void): void {
    if (this.ended) return;
    this.ended = true;
    this.conn.finish(last, (ok) => {
      this.leave();
      after?.(ok);
      this.tally.close(ok);
    });
  }

  /** The answer cannot be finished: the connection is closed mid-answer. */
  cut(): void {
    this.conn.destroy();
    this.end(null);
  }

  /** Our own error as the answer, or a cut when the answer had started. */
  fail(err: unknown): void {
    if (!isLoadoutError(err)) this.d.logger.error('request failed', { path: this.path, err: err instanceof Error ? err.stack : String(err) });
    if (this.ended) return;
    if (this.answered) return this.cut();
    const a = errorAnswer(err);
    const answer = rawJson(a.status, a.body, a.headers, this.conn.closing);
    this.tally.error(a.error.code);
    this.tally.head(a.status, 'application/json');
    this.tally.body(answer.text);
    this.end(answer.bytes);
  }
}

/** A whole JSON answer (with sendJson's headers) as bytes, and its body text. */
export function rawJson(status: number, body: unknown, headers: Record<string, string>, close: boolean): { bytes: string; text: string } {
  const text = JSON.stringify(body);
  return { bytes: rawAnswer(status, jsonHeaders(text, headers), text, close), text };
}

/** A whole HTTP/1.1 answer as bytes. */
export function rawAnswer(status: number, headers: Record<string, string | number>, body: string, close: boolean): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (close) head += 'connection: close\r\n';
  return `${head}\r\n${body}`;
}
