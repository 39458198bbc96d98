import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_HEAD, parseRequestHead, type RequestHead } from '../../../electron/api/http/front/request-head.js';

// The fast path's request-head parser: a complete plain HTTP/1.1 head, null while incomplete, 'other'
// for anything node:http must answer instead.

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const POST = 'POST /v1/chat/completions HTTP/1.1\r\n';

function parsed(text: string): RequestHead {
  const h = parseRequestHead(bytes(text));
  if (h === null || h === 'other') throw new Error(`expected a head, got ${String(h)}`);
  return h;
}

describe('parseRequestHead', () => {
  it('reads method, target, headers (lower-cased, raw kept as sent), size and content-length', () => {
    const head = `${POST}Host: 127.0.0.1:9\r\nContent-Type: application/json\r\nContent-Length:  12 \r\n\r\n`;
    const h = parsed(head + '{"model":"m"}');
    expect(h.method).toBe('POST');
    expect(h.target).toBe('/v1/chat/completions');
    expect(h.size).toBe(Buffer.byteLength(head));
    expect(h.headers).toEqual({ host: '127.0.0.1:9', 'content-type': 'application/json', 'content-length': '12' });
    expect(h.raw).toEqual(['Host', '127.0.0.1:9', 'Content-Type', 'application/json', 'Content-Length', '12']);
    expect(h.contentLength).toBe(12);
    expect(h.close).toBe(false);
  });

  it('reads a head without headers, and no content-length as -1', () => {
    const h = parsed('GET /api/models HTTP/1.1\r\n\r\n');
    expect(h.headers).toEqual({});
    expect(h.contentLength).toBe(-1);
    expect(h.size).toBe(28);
  });

  it('is null while the head is incomplete, at every cut', () => {
    const head = `${POST}Host: x\r\nContent-Length: 2\r\n\r\n`;
    for (let cut = 0; cut < head.length; cut++) expect(parseRequestHead(bytes(head.slice(0, cut))), `cut at ${cut}`).toBeNull();
    expect(parsed(head).size).toBe(head.length);
  });

  it('joins repeated headers with ", " and keeps each in raw', () => {
    const h = parsed(`${POST}Accept: a\r\nX-Tag: one\r\naccept: b\r\n\r\n`);
    expect(h.headers.accept).toBe('a, b');
    expect(h.raw).toEqual(['Accept', 'a', 'X-Tag', 'one', 'accept', 'b']);
  });

  it('sees `connection: close` among other connection options, in any case, and only as a whole token', () => {
    expect(parsed(`${POST}Connection: close\r\n\r\n`).close).toBe(true);
    expect(parsed(`${POST}Connection: keep-alive, CLOSE\r\n\r\n`).close).toBe(true);
    expect(parsed(`${POST}Connection: Upgrade\r\nConnection: close\r\n\r\n`).close).toBe(true);
    expect(parsed(`${POST}Connection: keep-alive\r\n\r\n`).close).toBe(false);
    expect(parsed(`${POST}Connection: closed\r\n\r\n`).close).toBe(false);
  });

  it("is 'other' for what the fast path does not serve", () => {
    const other = (text: string) => expect(parseRequestHead(bytes(text)), JSON.stringify(text)).toBe('other');
    other('POST /v1/chat/completions HTTP/1.0\r\nHost: x\r\n\r\n'); // HTTP/1.0
    other('POST http://x/v1/chat/completions HTTP/1.1\r\n\r\n'); // absolute form
    other('post /v1/x HTTP/1.1\r\n\r\n'); // not a method token as sent by clients
    other('POST /v1/x HTTP/1.1\nHost: x\r\n\r\n'); // bare LF ending the request line
    other(`${POST}Host: x\nAccept: y\r\n\r\n`); // bare LF inside the head
    other(`${POST}Bad Name: x\r\n\r\n`); // a space in a header name
    other(`${POST}Bad(name): x\r\n\r\n`); // a separator in a header name
    other(`${POST}: no name\r\n\r\n`);
    other(`${POST}no colon here\r\n\r\n`);
    other(`${POST} folded: x\r\n\r\n`); // obsolete line folding
    other(`${POST}Content-Length: 12abc\r\n\r\n`);
    other(`${POST}Content-Length: -1\r\n\r\n`);
    other(`${POST}Content-Length: 1e3\r\n\r\n`);
    other(`${POST}Content-Length: 5\r\nContent-Length: 5\r\n\r\n`); // repeated: node:http decides
    other(`${POST}Content-Length: 1234567890123456\r\n\r\n`); // more than 15 digits
  });

  it("is 'other' for a head longer than MAX_REQUEST_HEAD, complete or not", () => {
    const long = `${POST}X-Long: ${'a'.repeat(MAX_REQUEST_HEAD)}\r\n`;
    expect(parseRequestHead(bytes(long))).toBe('other'); // no end yet, already too long
    expect(parseRequestHead(bytes(`${long}\r\n`))).toBe('other');
    const fits = `${POST}X-Long: ${'a'.repeat(MAX_REQUEST_HEAD - 200)}\r\n\r\n`;
    expect(parsed(fits).size).toBe(fits.length);
  });
});
