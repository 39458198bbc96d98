import type { FetchLike, ResponseLike } from '../../../renderer/transport/http-transport.js';
import type { EventSourceLike, Timers } from '../../../renderer/transport/sse-stream.js';

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records calls and answers from a queue (or one fixed reply). */
export function stubFetch(reply: (call: Call) => { status: number; body: unknown }): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call = { url, method: init.method, headers: init.headers, body: init.body };
    calls.push(call);
    const { status, body } = reply(call);
    const res: ResponseLike = {
      ok: status >= 200 && status < 300,
      status,
      statusText: status === 200 ? 'OK' : 'Error',
      text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
    };
    return res;
  };
  return { fetch, calls };
}

type Listener = (ev: { data?: unknown; lastEventId?: string }) => void;

/** An EventSource the test drives: open(), message(), fail(). */
export class StubEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  private emit(type: string, ev: { data?: unknown; lastEventId?: string } = {}): void {
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }

  open(): void {
    this.readyState = 1;
    this.emit('open');
  }

  message(type: string, data: unknown, id?: string): void {
    this.emit(type, { data: typeof data === 'string' ? data : JSON.stringify(data), lastEventId: id ?? '' });
  }

  /** A dropped connection: `permanent` is the browser giving up (HTTP error), else it retries by itself. */
  fail(permanent: boolean): void {
    this.readyState = permanent ? 2 : 0;
    this.emit('error');
  }
}

export function stubSources(): { create: (url: string) => StubEventSource; all: StubEventSource[] } {
  const all: StubEventSource[] = [];
  return { all, create: (url) => { const es = new StubEventSource(url); all.push(es); return es; } };
}

/** Timers run by hand: `runAll()` fires what is due, in order. */
export function manualTimers(): Timers & { pending: { fn: () => void; ms: number }[]; runAll(): void } {
  let pending: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  return {
    get pending() { return pending; },
    setTimeout(fn, ms) { const id = next++; pending.push({ fn, ms, id }); return id; },
    clearTimeout(h) { pending = pending.filter((p) => p.id !== h); },
    runAll() { const due = pending; pending = []; for (const p of due) p.fn(); },
  };
}
