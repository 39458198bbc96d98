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
