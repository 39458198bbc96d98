export interface TokenCounts {
  prompt: number;
  completion: number;
}

const KEY = '"usage"';
const KEY_BYTES = Buffer.from(KEY, 'latin1');
/**
 * What a byte search looks for: the key less its opening quote. JSON is full of quotes, so a search
 * that starts on one stops at every other byte; this one is several times faster, and any byte run
 * holding the key holds it.
 */
const KEY_REST = Buffer.from(KEY.slice(1), 'latin1');
/** A usage object is small; anything longer is not one. */
const MAX_OBJECT = 4096;

/**
 * Finds the OpenAI `usage` object in a response body read chunk by chunk (a JSON answer, or the last
 * event of a stream), without buffering the body: it keeps only the few bytes that may hold a `"usage"`
 * key cut between two chunks, and the object itself once its key is seen. The last complete object wins.
 */
export class UsageScanner {
  private carry = '';
  private object: string | null = null;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private found: TokenCounts | null = null;

  /**
   * A chunk as written: text, or bytes. Bytes that cannot hold (or finish) a usage object are not
   * decoded at all, which keeps a long stream's cost to one byte search per chunk.
   */
  push(chunk: string | Uint8Array): void {
    if (typeof chunk !== 'string') {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const at = this.object === null && this.carry === '' ? buf.indexOf(KEY_REST) - 1 : 0;
      if (at < -1) {
        this.carry = keyStartAtEnd(buf);
        return;
      }
      // Nothing before the first key can matter (no object or key start is under way): not decoded.
      chunk = buf.toString('utf8', Math.max(0, at));
    }
    let text = this.carry + chunk;
    this.carry = '';
    for (;;) {
      if (this.object !== null) {
        const used = this.extend(text);
        if (used < 0) return;
        text = text.slice(used);
        continue;
      }
      const at = text.indexOf(KEY);
      if (at < 0) {
        this.carry = textKeyStartAtEnd(text);
        return;
      }
      const brace = text.indexOf('{', at + KEY.length);
      const between = brace < 0 ? text.slice(at + KEY.length) : text.slice(at + KEY.length, brace);
      if (!/^\s*:?\s*$/.test(between)) {
        text = text.slice(at + KEY.length); // `"usage": null` or a string value: not an object
        continue;
      }
      if (brace < 0) {
        this.carry = text.slice(at);
        return;
      }
      this.object = '';
      this.depth = 0;
      this.inString = false;
      this.escaped = false;
      text = text.slice(brace);
    }
  }

  /**
   * One read of a relayed answer, whose payload pieces lie in `bytes` at [start, end, ...] (the rest is
   * framing). The read is passed over with one byte search when nothing in it can matter: no object
   * under way, no key in it, and no key that framing could cut (none carried from the last read, no
   * piece ending with the start of one). Else it goes piece by piece.
   */
  pushSpans(bytes: Buffer, spans: readonly number[]): void {
    if (this.object === null && this.carry === '' && bytes.indexOf(KEY_REST) < 0 && !keyCutInside(bytes, spans)) {
      const n = spans.length;
      this.carry = n >= 2 ? keyStartAtEnd(bytes.subarray(spans[n - 2], spans[n - 1])) : '';
      return;
    }
    for (let k = 0; k + 1 < spans.length; k += 2) this.push(bytes.subarray(spans[k], spans[k + 1]));
  }

  /** The counts of the last usage object seen, or null. */
  result(): TokenCounts | null {
    return this.found;
  }

  /** Adds to the object being read; returns how much of `text` it took, or -1 when it needs more. */
  private extend(text: string): number {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') this.inString = true;
      else if (ch === '{') this.depth++;
      else if (ch === '}' && --this.depth === 0) {
        this.finish(this.object + text.slice(0, i + 1));
        return i + 1;
      }
    }
    const grown = (this.object ?? '') + text;
    this.object = grown.length > MAX_OBJECT ? null : grown;
    return -1;
  }

  private finish(json: string): void {
    this.object = null;
    try {
      const u = JSON.parse(json) as { prompt_tokens?: unknown; completion_tokens?: unknown };
      const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
      this.found = { prompt: n(u.prompt_tokens), completion: n(u.completion_tokens) };
    } catch {
      // not JSON after all: keep the last good one
    }
  }
}

/** Whether a piece other than the last ends with the start of `"usage"` (framing may cut the key there). */
function keyCutInside(bytes: Buffer, spans: readonly number[]): boolean {
  for (let k = 1; k + 2 < spans.length; k += 2) if (endsWithKeyStart(bytes, spans[k - 1]!, spans[k]!)) return true;
  return false;
}

/** Whether bytes[start, end) end with a proper start of `"usage"` (byte by byte: no search per piece). */
function endsWithKeyStart(bytes: Buffer, start: number, end: number): boolean {
  for (let q = Math.max(start, end - (KEY_BYTES.length - 1)); q < end; q++) {
    if (bytes[q] !== 0x22) continue;
    let i = 0;
    while (q + i < end && bytes[q + i] === KEY_BYTES[i]) i++;
    if (q + i === end) return true;
  }
  return false;
}

/** The end of `text` when it is a proper start of `"usage"` (a key that may go on in the next chunk), else ''. */
function textKeyStartAtEnd(text: string): string {
  for (let q = text.indexOf('"', Math.max(0, text.length - (KEY.length - 1))); q >= 0; q = text.indexOf('"', q + 1)) {
    if (KEY.startsWith(text.slice(q))) return text.slice(q);
  }
  return '';
}

/** The end of `buf` when it is the start of `"usage"` (the key may go on in the next chunk), else ''. */
function keyStartAtEnd(buf: Buffer): string {
  const from = Math.max(0, buf.length - (KEY_BYTES.length - 1));
  for (let q = buf.indexOf(0x22, from); q >= 0; q = buf.indexOf(0x22, q + 1)) {
    if (buf.compare(KEY_BYTES, 0, buf.length - q, q) === 0) return buf.toString('latin1', q);
  }
  return '';
}
