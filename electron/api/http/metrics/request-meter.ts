import type { ServerResponse } from 'node:http';
import type { ApiFace, RequestRecord } from './loadout-metrics.js';
import { UsageScanner, type TokenCounts } from './usage-scanner.js';

/** What a face tells the meter about a request while serving it. */
export interface MeteredRequest {
  /** The configured model the request went to (aliases resolved). */
  model(name: string): void;
  /** Token counts the face read itself (a face that translates answers). */
  tokens(t: TokenCounts): void;
  /** Our own error code, when we answered with an error. */
  error(code: string): void;
}

/**
 * Counts inference requests for the metrics: one record per request when its response closes, with
 * the HTTP status, an error code (ours, from the error body, or `client_closed`) and the tokens of the
 * `usage` object in the body. For pass-through answers the body is scanned as it is written (no copy
 * kept); faces that parse answers report tokens themselves.
 */
export class RequestMeter {
  private readonly tracked = new WeakMap<ServerResponse, MeteredRequest>();

  constructor(private readonly record: (r: RequestRecord) => void) {}

  track(res: ServerResponse, api: ApiFace, opts: { scanUsage: boolean }): MeteredRequest {
    let model = '';
    let code: string | null = null;
    let tokens: TokenCounts | null = null;
    const scanner = opts.scanUsage ? new UsageScanner() : null;
    let errorBody = '';
    tapBody(res, (chunk) => {
      scanner?.push(chunk);
      if (res.statusCode >= 400 && errorBody.length < ERROR_BODY_MAX) errorBody += (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).slice(0, ERROR_BODY_MAX);
    });
    res.once('close', () => {
      const status = res.statusCode;
      const error = code ?? (!res.writableFinished ? 'client_closed' : status >= 400 ? errorCode(status, errorBody) : null);
      this.record({ model, api, status, error, tokens: tokens ?? scanner?.result() ?? null });
    });
    const m: MeteredRequest = {
      model: (name) => (model = name),
      tokens: (t) => (tokens = t),
      error: (c) => (code = c),
    };
    this.tracked.set(res, m);
    return m;
  }

  /** The meter of a tracked response, if any. */
  of(res: ServerResponse): MeteredRequest | undefined {
    return this.tracked.get(res);
  }
}

const ERROR_BODY_MAX = 2048;

/** The `error.code` string of an OpenAI-shaped error body (ours or a backend's), else `http_<status>`. */
export function errorCode(status: number, body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'string' && /^[a-z0-9_]{1,64}$/.test(code)) return code;
  } catch {
    // not JSON, or cut short
  }
  return `http_${status}`;
}

type WriteArgs = Parameters<ServerResponse['write']>;

/** Sees each chunk written to `res` (text or bytes, undecoded), then lets the write through unchanged. */
function tapBody(res: ServerResponse, see: (chunk: string | Uint8Array) => void): void {
  const seen = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) see(chunk);
  };
  const write = res.write.bind(res) as (...a: WriteArgs) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.write = ((...args: WriteArgs) => {
    seen(args[0]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    seen(args[0]);
    return end(...args);
  }) as ServerResponse['end'];
}
