import { LoadoutError } from '../../../shared/errors.js';

const MODEL_FIELD = Buffer.from('name="model"\r\n', 'latin1');
const BLANK_LINE = Buffer.from('\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

/** The `model` of an OpenAI request: JSON body field, multipart form field, or `?model=`. */
export function requestedModel(body: Buffer, contentType: string | undefined, url: URL): string | null {
  if (contentType?.includes('multipart/form-data')) {
    const value = multipartModel(body);
    if (value !== null) return value;
  } else if (body.length > 0) {
    const scanned = scanModel(body);
    if (scanned !== undefined) return scanned;
    try {
      const json = JSON.parse(body.toString('utf8')) as { model?: unknown };
      if (typeof json?.model === 'string') return json.model;
    } catch {
      throw new LoadoutError('bad_request', 'the request body is not valid JSON');
    }
  }
  return url.searchParams.get('model');
}

/**
 * The value of the first `model` form field: the line after the blank line that ends its part's
 * headers. One forward pass over the body (issue 8: a backtracking regex here was quadratic, and a
 * 224 KB body of repeated `name="model"\r\n` held the event loop for seconds). If the first field has
 * no header end or no value end, no later one can have either, so the scan stops there.
 */
export function multipartModel(body: Buffer): string | null {
  const field = body.indexOf(MODEL_FIELD);
  if (field < 0) return null;
  // The headers may end right after this line, so the blank line's search starts at its CRLF.
  const headersEnd = body.indexOf(BLANK_LINE, field + MODEL_FIELD.length - CRLF.length);
  if (headersEnd < 0) return null;
  const start = headersEnd + BLANK_LINE.length;
  const end = body.indexOf(CRLF, start);
  if (end < 0) return null;
  return body.subarray(start, end).toString('utf8');
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MODEL_KEY = Buffer.from('model', 'latin1');

/**
 * The top-level `model` string of a JSON object body, found without parsing the rest: strings are
 * skipped with a native search for their closing quote, so a long prompt costs one `indexOf`. Gives up
 * (undefined: the caller parses the body) on anything it does not expect: not an object, a key or value
 * with escapes, no `model` key, a `model` that is not a plain string. It does not validate the rest of
 * the body; the backend answers a malformed remainder itself.
 */
export function scanModel(body: Buffer): string | undefined {
  const n = body.length;
  let i = skipSpace(body, 0);
  if (body[i] !== 0x7b) return undefined; // {
  let depth = 0;
  let expectKey = false;
  for (; i < n; i++) {
    const c = body[i]!;
    if (c === QUOTE) {
      const end = stringEnd(body, i + 1);
      if (end < 0) return undefined;
      if (depth === 1 && expectKey) {
        expectKey = false;
        if (end - i - 1 === MODEL_KEY.length && body.compare(MODEL_KEY, 0, MODEL_KEY.length, i + 1, end) === 0) {
          let v = skipSpace(body, end + 1);
          if (body[v] !== 0x3a) return undefined; // :
          v = skipSpace(body, v + 1);
          if (body[v] !== QUOTE) return undefined; // null, a number...: JSON.parse decides
          const vEnd = stringEnd(body, v + 1);
          const escape = body.indexOf(BACKSLASH, v + 1);
          if (vEnd < 0 || (escape >= 0 && escape < vEnd)) return undefined;
          return body.toString('utf8', v + 1, vEnd);
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      expectKey = c === 0x7b && depth === 1;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return undefined; // the object ended without a model
    } else if (c === 0x2c && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string whose content starts at `from`, or -1. */
function stringEnd(body: Buffer, from: number): number {
  for (let q = body.indexOf(QUOTE, from); q >= 0; q = body.indexOf(QUOTE, q + 1)) {
    let slashes = 0;
    while (body[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

function skipSpace(body: Buffer, i: number): number {
  for (let c = body[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = body[++i]);
  return i;
}
