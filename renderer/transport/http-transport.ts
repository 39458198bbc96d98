import type { CommandName, CommandPayload, CommandResult, LogLine } from '../../shared/commands.js';
import { STREAM_PATHS, fillPath } from '../../shared/http-routes.js';
import type { Push } from '../../shared/push.js';
import { buildRequest, withQuery } from './http-request.js';
import { PUSH_TYPES } from './push-types.js';
import { openStream, type EventSourceLike, type Stream, type Timers } from './sse-stream.js';
import { TransportError, errorFromResponse } from './transport-error.js';
import type { ConnectionState, Transport } from './transport.js';

export interface ResponseLike {
  ok: boolean;
  status: number;
  statusText: string;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<ResponseLike>;

export interface HttpTransportDeps {
  /** Prefix for every path; '' means the page's own origin (the server serves the dashboard at `/`). */
  baseUrl: string;
  apiKey: string | null;
  fetch: FetchLike;
  createEventSource: (url: string) => EventSourceLike;
  timers: Timers;
  /** Where a malformed stream message is reported; the stream itself carries on. */
  onProtocolError?: (error: Error) => void;
}

/** The browser face: commands over fetch, pushes over SSE (`/api/stream`), logs over a per-model SSE stream. */
export function createHttpTransport(deps: HttpTransportDeps): Transport {
  let lastSeq = 0;
  const pushListeners = new Set<(push: Push) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let dashboard: Stream | null = null;

  const noteSeq = (seq: number): void => {
    if (seq > lastSeq) lastSeq = seq;
  };

  // EventSource cannot send headers, so streams carry the key as a query parameter (CONTRACT: streams accept `key`).
  const streamUrl = (path: string, query: Record<string, string | number | undefined> = {}): string =>
    withQuery(deps.baseUrl + path, { ...query, key: deps.apiKey ?? undefined });

  const parse = (type: string, data: string): unknown => {
    try {
      return JSON.parse(data);
    } catch {
      deps.onProtocolError?.(new Error(`malformed ${type} message on the stream`));
      return null;
    }
  };

  const openDashboard = (): Stream =>
    openStream({
      url: () => streamUrl(STREAM_PATHS.dashboard, { after: lastSeq }),
      events: PUSH_TYPES,
      create: deps.createEventSource,
      timers: deps.timers,
      onState: (state) => {
        for (const l of connectionListeners) l(state);
      },
      onMessage: (type, data) => {
        const push = parse(type, data) as Push | null;
        if (!push || push.type !== type) return;
        if (push.type === 'event') noteSeq(push.event.seq);
        for (const l of pushListeners) l(push);
      },
    });

  async function invoke<C extends CommandName>(command: C, payload: CommandPayload<C>): Promise<CommandResult<C>> {
    const req = buildRequest(deps.baseUrl, command, payload);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (deps.apiKey) headers.Authorization = `Bearer ${deps.apiKey}`;
    let res: ResponseLike;
    try {
      res = await deps.fetch(req.url, req.body === undefined ? { method: req.method, headers } : { method: req.method, headers, body: req.body });
    } catch (e) {
      throw new TransportError('network', `Cannot reach the Loadout server (${e instanceof Error ? e.message : String(e)})`);
    }
    const text = await res.text();
    if (!res.ok) throw errorFromResponse(res.status, res.statusText, text);
    const value = (text ? JSON.parse(text) : null) as CommandResult<C>;
    // The dashboard stream resumes after the newest event the page has seen, whichever way it came in.
    if (command === 'snapshot.get') noteSeq((value as CommandResult<'snapshot.get'>).last_seq);
    return value;
  }

  return {
    invoke,
    onEvent(listener) {
      pushListeners.add(listener);
      dashboard ??= openDashboard();
      return () => {
        pushListeners.delete(listener);
        if (pushListeners.size === 0) {
          dashboard?.close();
          dashboard = null;
        }
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    followLogs(model, listener) {
      const stream = openStream({
        url: () => streamUrl(fillPath(STREAM_PATHS.logs, { name: model })),
        events: ['log'],
        create: deps.createEventSource,
        timers: deps.timers,
        onMessage: (type, data) => {
          const line = parse(type, data) as LogLine | null;
          if (line && typeof line.text === 'string') listener(line);
        },
      });
      return () => stream.close();
    },
  };
}
