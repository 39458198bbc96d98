import { describe, expect, it } from 'vitest';
import { BodyFramer } from '../../../electron/api/http/upstream/body-framer.js';
import { BadResponse, parseResponseHead, type ResponseHead } from '../../../electron/api/http/upstream/response-head.js';

// The upstream client's body framing: where a body ends and which of its bytes are payload, however the
// bytes are cut into reads.

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const head = (lines: string): ResponseHead => parseResponseHead(bytes(`HTTP/1.1 200 OK\r\n${lines}\r\n`))!;
const CHUNKED = 'Transfer-Encoding: chunked\r\n';

interface Framed {
  payload: string;
  /** The end index in the whole answer (offset of the read plus what feed returned), or -1. */
  end: number;
  /** betweenChunks after each read. */
  between: boolean[];
}

/** Feeds `body` cut at `cuts` (sorted offsets) and collects the payload pieces. */
function frame(h: ResponseHead, body: string, cuts: number[]): Framed {
  const f = new BodyFramer(h);
  const all = bytes(body);
  let payload = '';
  let end = -1;
  const between: boolean[] = [];
  let from = 0;
  for (const to of [...cuts, all.length]) {
    // Each read is a Buffer of its own, as a socket gives them.
    const read = Buffer.from(all.subarray(from, to));
    const e = f.feed(read, 0, (buf, start, stop) => {
      expect(buf).toBe(read);
      expect(stop).toBeGreaterThan(start);
      payload += buf.toString('latin1', start, stop);
    });
    between.push(f.betweenChunks);
    if (e >= 0) {
      end = from + e;
      expect(f.done).toBe(true);
      break;
    }
    from = to;
  }
  return { payload, end, between };
}

/** Every way to cut `body` in two, and in three around each position. */
function everyCut(body: string): number[][] {
  const cuts: number[][] = [[]];
  for (let i = 1; i < body.length; i++) {
    cuts.push([i]);
    if (i + 1 < body.length) cuts.push([i, i + 1]);
  }
  return cuts;
}

describe('BodyFramer', () => {
  it('counts a content-length body across reads and ends at its last byte, leaving what follows', () => {
    const body = 'hello world';
    for (const cuts of everyCut(body + 'NEXT')) {
      const r = frame(head('Content-Length: 11\r\n'), body + 'NEXT', cuts);
      expect(r.payload, `cuts ${cuts.join(',')}`).toBe(body);
      expect(r.end).toBe(body.length);
    }
  });

  it('is done at once for an empty body and for none', () => {
    const f = new BodyFramer(head('Content-Length: 0\r\n'));
    expect(f.done).toBe(true);
    expect(f.feed(bytes('x'), 0, () => expect.unreachable())).toBe(0);
    const none = new BodyFramer(parseResponseHead(bytes('HTTP/1.1 204 No Content\r\n\r\n'))!);
    expect(none.feed(bytes('abc'), 1, () => expect.unreachable())).toBe(1);
  });

  it('runs a close-delimited body until the connection ends', () => {
    const r = frame(head('Content-Type: text/plain\r\n'), 'all of this is payload', [3, 10]);
    expect(r).toMatchObject({ payload: 'all of this is payload', end: -1 });
  });

  const chunked = [
    // sizes in either case, leading zeros, a chunk holding CR and LF, the end chunk
    '5\r\nhello\r\n1A\r\n' + 'abcdefghijklmnopqrstuvwxy\n' + '\r\n0003\r\n\r\nz\r\n0\r\n\r\n',
    // chunk extensions and whitespace before them, trailers
    '4;name=value\r\nabcd\r\n3 ;x\r\nefg\r\n0;last\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n',
    // no chunk at all: only the end chunk
    '0\r\n\r\n',
  ];
  const payloads = ['hello' + 'abcdefghijklmnopqrstuvwxy\n' + '\r\nz', 'abcdefg', ''];

  for (const [n, body] of chunked.entries()) {
    it(`reads chunked body ${n + 1} to the same payload and end, cut at every byte (and around each)`, () => {
      const answer = body + 'HTTP/1.1 200 OK\r\n'; // the next answer's bytes follow
      for (const cuts of everyCut(answer)) {
        const r = frame(head(CHUNKED), answer, cuts);
        expect(r.payload, `cuts ${cuts.join(',')}`).toBe(payloads[n]);
        expect(r.end, `cuts ${cuts.join(',')}`).toBe(body.length);
      }
    });
  }

  it('is between chunks only where a chunked body could be ended cleanly', () => {
    const body = '5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n';
    const at = (cut: number) => frame(head(CHUNKED), body, [cut]).between[0];
    expect(at(10)).toBe(true); // after the first chunk's CRLF
    expect(at(20)).toBe(true); // after the second's
    expect(at(1)).toBe(false); // inside a size line
    expect(at(5)).toBe(false); // inside the data
    expect(at(8)).toBe(false); // after the data, before its CRLF
    expect(at(9)).toBe(false); // between CR and LF
    expect(new BodyFramer(head(CHUNKED)).betweenChunks).toBe(true); // nothing read yet
  });

  it('refuses a bad size line, a chunk longer than its size and an endless line', () => {
    const bad = (body: string) => expect(() => new BodyFramer(head(CHUNKED)).feed(bytes(body), 0, () => undefined), JSON.stringify(body)).toThrow(BadResponse);
    bad('zz\r\n');
    bad('\r\n');
    bad('1234567890abcdef0\r\n'); // more than 15 hex digits
    bad('3\r\nabcd\r\n'); // one byte more than announced
    bad('4' + ' '.repeat(5000));
  });

  it('reads from the offset it is given', () => {
    const f = new BodyFramer(head('Content-Length: 3\r\n'));
    const pieces: [number, number][] = [];
    expect(f.feed(bytes('HEADabcdef'), 4, (_b, s, e) => pieces.push([s, e]))).toBe(7);
    expect(pieces).toEqual([[4, 7]]);
  });
});
