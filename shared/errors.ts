/** Error codes and their HTTP statuses (CONTRACT §4). Expected failures are values with a code. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  model_not_found: 404,
  not_found: 404,
  pinned_conflict: 409,
  no_memory: 409,
  too_many_requests: 429,
  already_configured: 409,
  load_cancelled: 409,
  busy: 503,
  shutting_down: 503,
  cooldown: 503,
  load_cooldown: 503,
  unhealthy: 502,
  upstream_timeout: 504,
  load_failed: 502,
  /** A load failed because the model's file cannot be loaded: missing, not GGUF, truncated, unsupported. */
  model_file_invalid: 502,
  backend_error: 502,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** OpenAI's error body shape: `{"error": {"code", "message", "type"}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; type: string; blocking?: string[]; retry_after_s?: number; log_tail?: string[]; exit_code?: number | null; field?: string; hint?: string };
}

export class LoadoutError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Omit<ErrorBody['error'], 'code' | 'message' | 'type'> = {},
  ) {
    super(message);
    this.name = 'LoadoutError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, type: errorType(this.code), ...this.details } };
  }
}

export function errorType(code: ErrorCode): string {
  const status = ERROR_STATUS[code];
  if (status === 400 || status === 413) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 409) return 'conflict_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'unavailable_error';
  if (status === 504) return 'timeout_error';
  return 'server_error';
}

export function isLoadoutError(e: unknown): e is LoadoutError {
  return e instanceof LoadoutError;
}
