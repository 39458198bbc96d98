import type { ConnectionState } from './transport.js';

/** The part of the browser's EventSource this code uses; tests pass a stub. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (ev: { data?: unknown; lastEventId?: string }) => void): void;
  close(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SSE_CLOSED = 2;
const MAX_BACKOFF_MS = 15_000;

export interface StreamOptions {
  /** Called for every (re)open, so a reopened stream asks for what it missed (`after=<last seq>`). */
  url: () => string;
  /** The SSE `event:` names to listen for. */
  events: readonly string[];
  onMessage: (type: string, data: string) => void;
  onState?: (state: ConnectionState) => void;
  create: (url: string) => EventSourceLike;
  timers: Timers;
}

export interface Stream {
  close(): void;
}

/**
 * An EventSource that stays open. The browser retries dropped connections on its own (sending
 * Last-Event-ID), but gives up for good on an HTTP error answer or a bad content type; then we reopen
 * with a fresh URL and back off, so a restarted server is picked up without a page reload.
 */
export function openStream(opts: StreamOptions): Stream {
  let source: EventSourceLike | null = null;
  let retry: unknown = null;
  let attempts = 0;
  let state: ConnectionState | null = null;
  let closed = false;

  const report = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    opts.onState?.(next);
  };

  const open = (): void => {
    retry = null;
    const es = opts.create(opts.url());
    source = es;
    es.addEventListener('open', () => {
      attempts = 0;
      report('connected');
    });
    es.addEventListener('error', () => {
      if (closed || source !== es) return;
      report('reconnecting');
      if (es.readyState !== SSE_CLOSED) return;
      es.close();
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);
      attempts++;
      retry = opts.timers.setTimeout(open, delay);
    });
    for (const type of opts.events) {
      es.addEventListener(type, (ev) => {
        if (source === es && typeof ev.data === 'string') opts.onMessage(type, ev.data);
      });
    }
  };

  open();
  return {
    close() {
      closed = true;
      if (retry !== null) opts.timers.clearTimeout(retry);
      source?.close();
      source = null;
    },
  };
}
