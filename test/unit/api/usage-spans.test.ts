import { describe, expect, it } from 'vitest';
import { UsageScanner } from '../../../electron/api/http/metrics/usage-scanner.js';

// UsageScanner.pushSpans: the fast path hands the scanner whole reads of a chunked answer with the
// places of their payload pieces; chunk framing between the pieces is not payload.

const usage = 'data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":11,"total_tokens":18}}\n\n';
const done = 'data: [DONE]\n\n';

/** `payload` as chunked framing, one chunk per piece: the bytes and where each piece's payload lies. */
function chunked(pieces: string[]): { bytes: Buffer; spans: number[] } {
  let text = '';
  const spans: number[] = [];
  for (const p of pieces) {
    text += `${Buffer.byteLength(p).toString(16)}\r\n`;
    spans.push(Buffer.byteLength(text), Buffer.byteLength(text) + Buffer.byteLength(p));
    text += `${p}\r\n`;
  }
  return { bytes: Buffer.from(text), spans };
}

/** The chunked answer of `pieces` cut into reads at `cut` (byte offset), each read with its own spans. */
function reads(pieces: string[], cut: number): Array<{ bytes: Buffer; spans: number[] }> {
  const whole = chunked(pieces);
  const out = [];
  for (const [from, to] of [[0, cut], [cut, whole.bytes.length]] as const) {
    const spans: number[] = [];
    for (let k = 0; k < whole.spans.length; k += 2) {
      const s = Math.max(from, whole.spans[k]!);
      const e = Math.min(to, whole.spans[k + 1]!);
      if (e > s) spans.push(s - from, e - from);
    }
    out.push({ bytes: Buffer.from(whole.bytes.subarray(from, to)), spans });
  }
  return out;
}

function scan(pieces: string[], cut: number): ReturnType<UsageScanner['result']> {
  const s = new UsageScanner();
  for (const r of reads(pieces, cut)) s.pushSpans(r.bytes, r.spans);
  return s.result();
}

describe('UsageScanner.pushSpans', () => {
  const expected = { prompt: 7, completion: 11 };

  it('finds usage in one read of several chunks', () => {
    const { bytes, spans } = chunked(['data: {"choices":[]}\n\n', usage, done]);
    const s = new UsageScanner();
    s.pushSpans(bytes, spans);
    expect(s.result()).toEqual(expected);
  });

  it('finds usage whatever byte the read is cut at: the key, the object or the framing', () => {
    const pieces = ['data: {"choices":[]}\n\n', usage, done];
    const total = chunked(pieces).bytes.length;
    for (let cut = 1; cut < total; cut++) expect(scan(pieces, cut), `cut at ${cut}`).toEqual(expected);
  });

  it('finds usage whose key or object the backend split over chunks, with framing between the pieces', () => {
    const key = usage.indexOf('"usage"');
    const obj = usage.indexOf('{"prompt_tokens"');
    for (const at of [key + 1, key + 3, key + 6, key + 7, obj + 1, obj + 20]) {
      const pieces = [usage.slice(0, at), usage.slice(at), done];
      const { bytes, spans } = chunked(pieces);
      const s = new UsageScanner();
      s.pushSpans(bytes, spans);
      expect(s.result(), `split at ${at}, one read`).toEqual(expected);
      const total = bytes.length;
      for (let cut = 1; cut < total; cut++) expect(scan(pieces, cut), `split at ${at}, cut at ${cut}`).toEqual(expected);
    }
  });

  it('ignores a "usage" that only framing would complete, and reads without payload', () => {
    const s = new UsageScanner();
    s.pushSpans(Buffer.from('5\r\n"usa\r\n'), [3, 7]);
    s.pushSpans(Buffer.from('\r\n'), []); // a read of framing only
    s.pushSpans(Buffer.from('3\r\nge"\r\n'), [3, 6]);
    s.pushSpans(Buffer.from('d\r\n:{"prompt_tokens":1}\r\n'), [3, 23]);
    expect(s.result()).toEqual({ prompt: 1, completion: 0 });
    const none = new UsageScanner();
    none.pushSpans(Buffer.from('7\r\n"usage"\r\n'), [3, 5]); // bytes outside the spans are not payload, even when they spell the key
    none.pushSpans(Buffer.from('2\r\n{}\r\n'), [3, 5]);
    expect(none.result()).toBeNull();
  });

  it('keeps the last complete usage object', () => {
    const s = new UsageScanner();
    const first = chunked([usage]);
    s.pushSpans(first.bytes, first.spans);
    const second = chunked([usage.replace('"prompt_tokens":7', '"prompt_tokens":9')]);
    s.pushSpans(second.bytes, second.spans);
    expect(s.result()).toEqual({ prompt: 9, completion: 11 });
  });
});
