/** The parts of a backend's response head that relaying it needs; the rest passes as it came. */
export interface ResponseHead {
  status: number;
  /** The status line's reason phrase. */
  reason: string;
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
  /** The head's bytes as they came. */
  raw: Buffer;
}

/** Longer heads are refused: a backend that sends one is broken. */
export const MAX_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/;

export class BadResponse extends Error {}

/** The head at the start of `buf`, or null while it is incomplete. Throws BadResponse on garbage. */
export function parseResponseHead(buf: Buffer): ResponseHead | null {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) {
    if (buf.length > MAX_HEAD) throw new BadResponse(`the response head is longer than ${MAX_HEAD} bytes`);
    return null;
  }
  let nl = buf.indexOf(LF);
  const m = STATUS_LINE.exec(buf.toString('latin1', 0, buf[nl - 1] === CR ? nl - 1 : nl));
  if (!m) throw new BadResponse(`not an HTTP/1.1 status line: ${JSON.stringify(buf.toString('latin1', 0, Math.min(nl, 80)))}`);
  const status = Number(m[1]);
  const size = end + HEAD_END.length;
  const head: ResponseHead = { status, reason: m[2] ?? '', size, framing: 'close', contentLength: -1, close: false, contentType: '', keepAliveMs: null, raw: buf.subarray(0, size) };
  let chunked = false;
  let coded = false;
  // Only the lines that framing and relaying need are decoded; the names are told apart by length first.
  for (let start = nl + 1; start < end + 2; start = nl + 1) {
    nl = buf.indexOf(LF, start);
    const eol = buf[nl - 1] === CR ? nl - 1 : nl;
    const colon = buf.indexOf(COLON, start);
    if (colon <= start || colon > eol) throw new BadResponse(`malformed response header line: ${JSON.stringify(buf.toString('latin1', start, Math.min(eol, start + 80)))}`);
    const name = NAMES.get(colon - start)?.find((n) => sameName(buf, start, n));
    if (name === undefined) continue;
    const value = buf.toString('latin1', colon + 1, eol).trim();
    switch (name) {
      case 'content-length':
        if (!/^\d{1,15}$/.test(value) || (head.contentLength >= 0 && head.contentLength !== Number(value))) throw new BadResponse(`bad content-length: ${value}`);
        head.contentLength = Number(value);
        break;
      case 'transfer-encoding':
        chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
        coded = true;
        break;
      case 'connection':
        if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) head.close = true;
        break;
      case 'content-type':
        head.contentType = value;
        break;
      case 'keep-alive': {
        const t = /timeout=(\d+)/i.exec(value);
        if (t) head.keepAliveMs = Number(t[1]) * 1000;
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

/** The head's header lines as [name as sent, value], in order (for a sink that writes them anew). */
export function headerLines(head: ResponseHead): Array<[string, string]> {
  const lines = head.raw.toString('latin1', 0, head.raw.length - HEAD_END.length).split('\r\n').slice(1);
  return lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
}

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;
const WANTED = ['content-length', 'transfer-encoding', 'connection', 'content-type', 'keep-alive'] as const;
type Wanted = (typeof WANTED)[number];
const NAMES = new Map<number, Wanted[]>();
for (const n of WANTED) NAMES.set(n.length, [...(NAMES.get(n.length) ?? []), n]);

/** Whether the name at `start` is `lower`, in any case. */
function sameName(buf: Buffer, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((buf[start + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}
