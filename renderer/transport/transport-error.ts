/** The parts of an error body the dashboard shows next to a model (CONTRACT §4: 502 load failures carry these). */
export interface ErrorDetails {
  status?: number;
  exit_code?: number | null;
  log_tail?: string[];
  blocking?: string[];
  retry_after_s?: number;
  field?: string;
  /** A refused load: the rule and the way out. */
  hint?: string;
}

/** A failed command as both transports report it: the server's message and code, never a stack. */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * Normalizes whatever a transport rejected with. The preload rejects with a plain Error carrying `.code`
 * (and sometimes the body's extra fields); network failures are TypeErrors with no code at all.
 */
export function toTransportError(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  if (!isRecord(e)) return new TransportError('internal', String(e));
  const message = typeof e.message === 'string' && e.message ? e.message : 'Request failed';
  const code = typeof e.code === 'string' ? e.code : e instanceof TypeError ? 'network' : 'internal';
  const details: ErrorDetails = {};
  if (typeof e.status === 'number') details.status = e.status;
  if (typeof e.exit_code === 'number' || e.exit_code === null) details.exit_code = e.exit_code;
  if (Array.isArray(e.log_tail)) details.log_tail = e.log_tail.map(String);
  if (Array.isArray(e.blocking)) details.blocking = e.blocking.map(String);
  if (typeof e.hint === 'string') details.hint = e.hint;
  return new TransportError(code, message, details);
}

/** Maps a non-2xx HTTP answer to an error, reading the OpenAI-shaped body when there is one. */
export function errorFromResponse(status: number, statusText: string, bodyText: string): TransportError {
  let body: unknown = null;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to the status line below.
    body = null;
  }
  const err = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (!err) {
    return new TransportError(status === 401 ? 'unauthorized' : 'http_error', `HTTP ${status}${statusText ? ` ${statusText}` : ''}`, { status });
  }
  const code = typeof err.code === 'string' ? err.code : 'http_error';
  const message = typeof err.message === 'string' && err.message ? err.message : `HTTP ${status}`;
  const details: ErrorDetails = { status };
  if (typeof err.exit_code === 'number' || err.exit_code === null) details.exit_code = err.exit_code;
  if (Array.isArray(err.log_tail)) details.log_tail = err.log_tail.map(String);
  if (Array.isArray(err.blocking)) details.blocking = err.blocking.map(String);
  if (typeof err.retry_after_s === 'number') details.retry_after_s = err.retry_after_s;
  if (typeof err.field === 'string') details.field = err.field;
  if (typeof err.hint === 'string') details.hint = err.hint;
  return new TransportError(code, message, details);
}
