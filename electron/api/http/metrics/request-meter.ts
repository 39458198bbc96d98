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

/** A request's record as its answer is written, whatever writes it (node:http or the fast path). */
export interface Tally extends MeteredRequest {
  /** The answer's status and content type. */
  head(status: number, contentType: string): void;
  /** A piece of the answer's payload, as written (scanned for `usage`, not kept). */
  body(chunk: string | Uint8Array): void;
  /**
   * The payload pieces of one read of a relayed answer: where they lie in `bytes` ([start, end, ...]).
   * Only a read that may hold (part of) a `usage` object is looked at piece by piece.
   */
  bodySpans(bytes: Buffer, spans: readonly number[]): void;
  /** The answer is over: `finished` when all of it was handed to the client. Records once. */
  close(finished: boolean): void;
}

/**
 * Counts inference requests for the metrics: one record per request when its response closes, with
 * the HTTP status, an error code (ours, from the error body, or `client_closed`) and the tokens of the
 * `usage` object in the body. For pass-through answers the body is scanned as it is written (no copy
 * kept); faces that parse answers report tokens themselves.
 */
export class RequestMeter {
  private readonly tracked = new WeakMap<ServerResponse, MeteredRequest>();

  /** `now`: the injected clock's milliseconds, for each request's latency. */
  constructor(
    private readonly record: (r: RequestRecord) => void,
    private readonly now: () => number,
  ) {}

  /** A tally fed by the caller. */
  begin(api: ApiFace, opts: { scanUsage: boolean }): Tally {
    return new RequestTally(api, opts.scanUsage ? new UsageScanner() : null, this.record, this.now);
  }

  /** A tally fed by taps on a node:http response. */
  track(res: ServerResponse, api: ApiFace, opts: { scanUsage: boolean }): MeteredRequest {
    const tally = this.begin(api, opts);
    let type = '';
    tapHead(res, (contentType) => tally.head(res.statusCode, (type = contentType)));
    tapBody(res, (chunk) => tally.body(chunk));
    res.once('close', () => {
      tally.head(res.statusCode, type);
      tally.close(res.writableFinished);
    });
    this.tracked.set(res, tally);
    return tally;
  }

  /** The meter of a tracked response, if any. */
  of(res: ServerResponse): MeteredRequest | undefined {
    return this.tracked.get(res);
  }
}

const ERROR_BODY_MAX = 2048;

/** One request's tally (a class: one object per request on the hot path). */
class RequestTally implements Tally {
  private name = '';
  private code: string | null = null;
  private counted: TokenCounts | null = null;
  private errorBody = '';
  private readonly began: number;
  private firstByte: number | null = null;
  private streamed = false;
  private status = 0;
  private closed = false;

  constructor(
    private readonly api: ApiFace,
    private readonly scanner: UsageScanner | null,
    private readonly record: (r: RequestRecord) => void,
    private readonly now: () => number,
  ) {
    this.began = now();
  }

  model(name: string): void {
    this.name = name;
  }

  tokens(t: TokenCounts): void {
    this.counted = t;
  }

  error(code: string): void {
    this.code = code;
  }

  head(status: number, contentType: string): void {
    this.status = status;
    this.streamed = isStream(contentType);
  }

  body(chunk: string | Uint8Array): void {
    this.firstByte ??= this.now();
    this.scanner?.push(chunk);
    if (this.status >= 400 && this.errorBody.length < ERROR_BODY_MAX) this.errorBody += (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).slice(0, ERROR_BODY_MAX);
  }

  bodySpans(bytes: Buffer, spans: readonly number[]): void {
    this.firstByte ??= this.now();
    this.scanner?.pushSpans(bytes, spans);
    for (let k = 0; k + 1 < spans.length && this.status >= 400 && this.errorBody.length < ERROR_BODY_MAX; k += 2) this.errorBody += bytes.toString('utf8', spans[k], spans[k + 1]).slice(0, ERROR_BODY_MAX);
  }

  close(finished: boolean): void {
    if (this.closed) return;
    this.closed = true;
    const { status } = this;
    const error = this.code ?? (!finished ? 'client_closed' : status >= 400 ? errorCode(status, this.errorBody) : null);
    const end = this.now();
    const latencyMs = end - this.began;
    // A stream's rate is its tokens over the time they took to arrive, not counting the wait for the first.
    const generationMs = this.firstByte !== null && end > this.firstByte && this.streamed ? end - this.firstByte : latencyMs;
    this.record({ model: this.name, api: this.api, status, error, tokens: this.counted ?? this.scanner?.result() ?? null, latencyMs, generationMs });
  }
}

/** Server-Sent Events (OpenAI) or NDJSON (Ollama): an answer sent piece by piece as it is generated. */
function isStream(contentType: string): boolean {
  const type = contentType.toLowerCase();
  return type.startsWith('text/event-stream') || type.startsWith('application/x-ndjson');
}

/**
 * Sees the content type a response is sent with. Headers given to `writeHead` as an object are not
 * readable with `getHeader` afterwards, so they are read from its arguments on the way through.
 */
function tapHead(res: ServerResponse, see: (contentType: string) => void): void {
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = args.find((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && !Array.isArray(a));
    const given = headers ? Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] : undefined;
    const out = writeHead(...args);
    see(String(given ?? res.getHeader('content-type') ?? ''));
    return out;
  }) as ServerResponse['writeHead'];
}

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
