/** The parts of a backend's response head that relaying it needs; the rest passes as it came. */
export interface ResponseHead {
  status: number;
  /** Bytes of the head, through its blank line. */
  size: number;
  /** How the body is delimited (RFC 9112 §6.3). */
  framing: 'none' | 'length' | 'chunked' | 'close';
  /** `length` framing: the body's size. */
  contentLength: number;
  /** The backend closes the connection after this answer. */
  close: boolean;
  contentType: string;
  /** `Keep-Alive: timeout=N` in ms, or null. */
  keepAliveMs: number | null;
  /** Where the `Keep-Alive` line lies in the head ([start, end) with its line end), or null: it describes the backend's connection only. */
  keepAliveLine: [number, number] | null;
  /** The head's bytes as they came. */
  raw: Buffer;
}

/** Longer heads are refused: a backend that sends one is broken. */
export const MAX_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

export class BadResponse extends Error {}

/** The head at the start of `buf`, or null while it is incomplete. Throws BadResponse on garbage. */
export function parseResponseHead(buf: Buffer): ResponseHead | null {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) {
    if (buf.length > MAX_HEAD) throw new BadResponse(`the response head is longer than ${MAX_HEAD} bytes`);
    return null;
  }
  let nl = buf.indexOf(LF);
  const status = statusOf(buf, nl);
  if (status < 0) throw new BadResponse(`not an HTTP/1.1 status line: ${JSON.stringify(buf.toString('latin1', 0, Math.min(nl, 80)))}`);
  const size = end + HEAD_END.length;
  const head: ResponseHead = { status, size, framing: 'close', contentLength: -1, close: false, contentType: '', keepAliveMs: null, keepAliveLine: null, raw: buf.subarray(0, size) };
  let chunked = false;
  let coded = false;
  // Only the lines that framing and relaying need are decoded; the names are told apart by length first.
  for (let start = nl + 1; start < end + 2; start = nl + 1) {
    nl = buf.indexOf(LF, start);
    const eol = buf[nl - 1] === CR ? nl - 1 : nl;
    const colon = buf.indexOf(COLON, start);
    if (colon <= start || colon > eol) throw new BadResponse(`malformed response header line: ${JSON.stringify(buf.toString('latin1', start, Math.min(eol, start + 80)))}`);
    const name = wantedName(buf, start, colon - start);
    if (name === null) continue;
    const value = buf.toString('latin1', colon + 1, eol).trim();
    switch (name) {
      case 'content-length': {
        const n = decimal(value);
        if (n < 0 || (head.contentLength >= 0 && head.contentLength !== n)) throw new BadResponse(`bad content-length: ${value}`);
        head.contentLength = n;
        break;
      }
      case 'transfer-encoding':
        chunked = value === 'chunked' || /(?:^|,)\s*chunked\s*$/i.test(value);
        coded = true;
        break;
      case 'connection':
        if (hasToken(value, 'close')) head.close = true;
        break;
      case 'content-type':
        head.contentType = value;
        break;
      case 'keep-alive': {
        const t = /timeout=(\d+)/i.exec(value);
        if (t) head.keepAliveMs = Number(t[1]) * 1000;
        head.keepAliveLine = [start, nl + 1];
        break;
      }
    }
  }
  if (status < 200 || status === 204 || status === 304) head.framing = 'none';
  else if (chunked) head.framing = 'chunked';
  else if (head.contentLength >= 0 && !coded) head.framing = 'length'; // a transfer coding overrides it (RFC 9112 §6.3)
  // HTTP/1.0: the connection ends after the answer (and the client is answered in HTTP/1.1 by a new head).
  if (head.framing === 'close' || buf[7] === 0x30) head.close = true;
  return head;
}

/** The status line's reason phrase. */
export function reasonOf(head: ResponseHead): string {
  const nl = head.raw.indexOf(LF);
  return head.raw.toString('latin1', 13, head.raw[nl - 1] === CR ? nl - 1 : nl);
}

/** The head's header lines as [name as sent, value], in order (for a sink that writes them anew). */
export function headerLines(head: ResponseHead): Array<[string, string]> {
  const lines = head.raw.toString('latin1', 0, head.raw.length - HEAD_END.length).split('\r\n').slice(1);
  return lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
}

/** A content-length: 1 to 15 decimal digits, else -1. */
export function decimal(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether a comma-separated header value (`Connection`) lists `token`, in any case. */
export function hasToken(value: string, token: string): boolean {
  const v = value.toLowerCase();
  if (v === token) return true;
  return v.includes(token) && v.split(',').some((t) => t.trim() === token);
}

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;
const HTTP_1 = Buffer.from('HTTP/1.', 'latin1');

/** The status code of an `HTTP/1.x NNN reason` line ending at `nl`, or -1. */
function statusOf(buf: Buffer, nl: number): number {
  if (nl < 12 || buf.compare(HTTP_1, 0, HTTP_1.length, 0, HTTP_1.length) !== 0 || (buf[7] !== 0x30 && buf[7] !== 0x31) || buf[8] !== 0x20) return -1;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    status = status * 10 + d;
  }
  const after = buf[12];
  return after === 0x20 || after === CR || after === LF ? status : -1;
}

type Wanted = 'content-length' | 'transfer-encoding' | 'connection' | 'content-type' | 'keep-alive';

/** The header name at `start` if it is one that framing or relaying needs (any case), else null. */
function wantedName(buf: Buffer, start: number, length: number): Wanted | null {
  switch (length) {
    case 14:
      return sameName(buf, start, 'content-length') ? 'content-length' : null;
    case 17:
      return sameName(buf, start, 'transfer-encoding') ? 'transfer-encoding' : null;
    case 12:
      return sameName(buf, start, 'content-type') ? 'content-type' : null;
    case 10:
      return sameName(buf, start, 'connection') ? 'connection' : sameName(buf, start, 'keep-alive') ? 'keep-alive' : null;
    default:
      return null;
  }
}

/** Whether the name at `start` is `lower`, in any case. */
function sameName(buf: Buffer, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((buf[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}
