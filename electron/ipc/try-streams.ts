import { LoadoutError } from '../../shared/errors.js';
import { IPC_CHANNELS } from '../../shared/http-routes.js';
import type { TryPart } from '../../shared/push.js';
import type { SenderContents } from './register-ipc.js';

/** The page a Try request came from: where its answer goes, and when it reloads or goes away. */
export type TryTarget = SenderContents;

/** The API's chat endpoint as this machine reaches it: a wildcard listener is called on loopback. */
export function selfChatEndpoint(serviceUrl: string): string {
  const u = new URL(serviceUrl);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  else if (u.hostname === '[::]') u.hostname = '[::1]';
  return `${u.origin}/v1/chat/completions`;
}

export interface TryStreamsOptions {
  /** The API's own `/v1/chat/completions` (the service's listener). */
  url: string;
  /** Its API key, when one is set. */
  apiKey: string | null;
  fetch?: typeof globalThis.fetch;
}

/**
 * The desktop window's Try box. Its page (app://ui) cannot reach the API itself (its CSP and the API's
 * origin check refuse it), so main sends the chat completion to the endpoint every client uses, with
 * the key, and relays the answer to that page as it arrives: `try` pushes with the head, the body as
 * text, then `end` (or `error` when the request could not be made or was cut). The router, admission
 * and metering are the same as for any client. `stop` aborts one request; a page that reloads or
 * closes stops all of its own.
 */
export class TryStreams {
  private readonly running = new Map<string, { target: number; ctl: AbortController }>();
  private readonly watched = new Set<number>();

  constructor(private readonly o: TryStreamsOptions) {}

  start(target: TryTarget, id: string, body: unknown): void {
    const key = `${target.id}:${id}`;
    if (this.running.has(key)) throw new LoadoutError('bad_request', `id: a Try request ${id} is already running`, { field: 'id' });
    this.watch(target);
    const ctl = new AbortController();
    this.running.set(key, { target: target.id, ctl });
    const send = (part: TryPart): void => {
      if (!ctl.signal.aborted && !target.isDestroyed()) target.send(IPC_CHANNELS.event, { type: 'try', id, part });
    };
    void this.relay(body, ctl.signal, send).finally(() => {
      if (this.running.get(key)?.ctl === ctl) this.running.delete(key);
    });
  }

  /** Aborts a running request (its backend request with it); false when none ran under that id. */
  stop(target: TryTarget, id: string): boolean {
    const key = `${target.id}:${id}`;
    const run = this.running.get(key);
    if (!run) return false;
    this.running.delete(key);
    run.ctl.abort();
    return true;
  }

  dispose(): void {
    for (const { ctl } of this.running.values()) ctl.abort();
    this.running.clear();
  }

  private async relay(body: unknown, signal: AbortSignal, send: (part: TryPart) => void): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    try {
      const res = await (this.o.fetch ?? globalThis.fetch)(this.o.url, { method: 'POST', headers, body: JSON.stringify(body), signal });
      send({ kind: 'head', status: res.status, statusText: res.statusText });
      if (res.body) {
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const text = decoder.decode(value, { stream: true });
          if (text) send({ kind: 'text', text });
        }
        const rest = decoder.decode();
        if (rest) send({ kind: 'text', text: rest });
      }
      send({ kind: 'end' });
    } catch (err) {
      // After a stop nothing more is sent: the page has let go of the request.
      send({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private watch(target: TryTarget): void {
    if (this.watched.has(target.id)) return;
    this.watched.add(target.id);
    const stopAll = (): void => {
      for (const [key, run] of this.running) {
        if (run.target !== target.id) continue;
        this.running.delete(key);
        run.ctl.abort();
      }
    };
    target.on('did-start-loading', stopAll);
    target.once('destroyed', () => {
      stopAll();
      this.watched.delete(target.id);
    });
  }
}
