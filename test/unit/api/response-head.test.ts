import { describe, expect, it } from 'vitest';
import { BadResponse, headerLines, MAX_HEAD, parseResponseHead, reasonOf, type ResponseHead } from '../../../electron/api/http/upstream/response-head.js';

// The upstream client's response-head parser: framing (RFC 9112 §6.3), keep-alive and close.

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function parsed(text: string): ResponseHead {
  const h = parseResponseHead(bytes(text));
  if (h === null) throw new Error('expected a head');
  return h;
}

describe('parseResponseHead', () => {
  it('reads status, reason, size, content-type and length framing; the raw head is the bytes as they came', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX-Mixed-Case: Yes\r\n\r\n';
    const h = parsed(head + '{}');
    expect(h).toMatchObject({ status: 200, size: head.length, framing: 'length', contentLength: 2, close: false, contentType: 'application/json', keepAliveMs: null });
    expect(reasonOf(h)).toBe('OK');
    expect(h.raw.toString('latin1')).toBe(head);
  });

  it('is null while incomplete, at every cut', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n';
    for (let cut = 0; cut < head.length; cut++) expect(parseResponseHead(bytes(head.slice(0, cut))), `cut at ${cut}`).toBeNull();
  });

  it('frames chunked when chunked is the last transfer coding, over a content-length', () => {
    expect(parsed('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n').framing).toBe('chunked');
    expect(parsed('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n').framing).toBe('chunked');
    expect(parsed('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n').framing).toBe('chunked');
    expect(parsed('HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n').framing).toBe('chunked');
  });

  it('frames by the connection when chunked is not the last coding or nothing delimits the body', () => {
    const notLast = parsed('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n');
    expect(notLast.framing).toBe('close');
    expect(notLast.close).toBe(true);
    const bare = parsed('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n');
    expect(bare).toMatchObject({ framing: 'close', close: true, contentType: 'text/event-stream' });
  });

  it('ignores a content-length when a transfer coding other than chunked is last (RFC 9112 §6.3): the body runs to the close', () => {
    const h = parsed('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 10\r\n\r\n');
    expect(h).toMatchObject({ framing: 'close', close: true });
  });

  it('takes an HTTP/1.0 answer for the end of its connection', () => {
    expect(parsed('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n')).toMatchObject({ framing: 'length', contentLength: 2, close: true });
    expect(parsed('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n').close).toBe(true);
    expect(parsed('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n').close).toBe(false);
  });

  it('has no body for 1xx, 204 and 304, whatever the headers say', () => {
    for (const status of [100, 103, 204, 304]) {
      const h = parsed(`HTTP/1.1 ${status} X\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`);
      expect(h.framing, String(status)).toBe('none');
      expect(h.close, String(status)).toBe(false);
    }
  });

  it('accepts a repeated equal content-length, refuses differing ones and garbage', () => {
    expect(parsed('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n').contentLength).toBe(3);
    expect(() => parseResponseHead(bytes('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n'))).toThrow(BadResponse);
    expect(() => parseResponseHead(bytes('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'))).toThrow(BadResponse);
    expect(() => parseResponseHead(bytes('HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n'))).toThrow(BadResponse);
  });

  it('reads Keep-Alive: timeout=N and Connection: close', () => {
    expect(parsed('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n').keepAliveMs).toBe(5000);
    expect(parsed('HTTP/1.1 200 OK\r\nkeep-alive: max=3\r\nContent-Length: 0\r\n\r\n').keepAliveMs).toBeNull();
    expect(parsed('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').close).toBe(true);
    expect(parsed('HTTP/1.1 200 OK\r\nCONNECTION: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n').close).toBe(true);
    expect(parsed('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').close).toBe(false);
  });

  it('takes a status line without a reason, and bare LF line ends', () => {
    const noReason = parsed('HTTP/1.1 204\r\n\r\n');
    expect(noReason.status).toBe(204);
    expect(reasonOf(noReason)).toBe('');
    expect(parsed('HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n')).toMatchObject({ framing: 'length', contentLength: 1 });
  });

  it('refuses garbage: no status line, a header line without a colon, a head longer than MAX_HEAD', () => {
    expect(() => parseResponseHead(bytes('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(BadResponse);
    expect(() => parseResponseHead(bytes('HTTP/1.1 2000 OK\r\n\r\n'))).toThrow(BadResponse);
    expect(() => parseResponseHead(bytes('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'))).toThrow(BadResponse);
    expect(() => parseResponseHead(bytes('HTTP/1.1 200 OK\r\n: empty name\r\n\r\n'))).toThrow(BadResponse);
    expect(() => parseResponseHead(bytes(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_HEAD)}`))).toThrow(BadResponse);
  });
});

describe('headerLines', () => {
  it('gives every header line as sent, in order, values trimmed, a colon in a value kept', () => {
    const h = parsed('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Url:  http://a:1/b \r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n');
    expect(headerLines(h)).toEqual([
      ['Content-Type', 'text/plain'],
      ['X-Url', 'http://a:1/b'],
      ['set-cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['Content-Length', '0'],
    ]);
  });

  it('is empty for a head without header lines', () => {
    expect(headerLines(parsed('HTTP/1.1 204 No Content\r\n\r\n'))).toEqual([]);
  });
});
