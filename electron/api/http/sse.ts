import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Server-Sent Events response with heartbeats; closes itself when the client is too slow. */
export class SseStream {
  private heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(req: IncomingMessage, private readonly res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    this.heartbeat = setInterval(() => this.raw(': keep-alive\n\n'), 15_000);
    this.heartbeat.unref();
    res.on('close', () => this.close());
  }

  send(event: string, data: unknown, id?: number): void {
    this.raw(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const fn of this.cleanups) fn();
    this.res.end();
  }

  private raw(text: string): void {
    if (this.closed) return;
    // A client that stopped reading must not grow our memory without bound.
    if (this.res.writableLength > 8 * 1024 * 1024) return this.close();
    this.res.write(text);
  }
}

/** Where a stream resumes: the `Last-Event-ID` header (browser reconnect) wins over `?after=`. */
export function resumeFrom(req: IncomingMessage, url: URL, fallback: number): number {
  const header = req.headers['last-event-id'];
  const raw = (typeof header === 'string' && header) || url.searchParams.get('after');
  const n = raw === null || raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
