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
  /** Header lines as [name as sent, value], in order. */
  lines: Array<[string, string]>;
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
  const text = buf.toString('latin1', 0, end).split('\r\n');
  const m = STATUS_LINE.exec(text[0]!);
  if (!m) throw new BadResponse(`not an HTTP/1.1 status line: ${JSON.stringify(text[0]!.slice(0, 80))}`);
  const status = Number(m[1]);
  const head: ResponseHead = { status, reason: m[2] ?? '', size: end + HEAD_END.length, framing: 'close', contentLength: -1, close: false, contentType: '', keepAliveMs: null, lines: [] };
  let chunked = false;
  for (let i = 1; i < text.length; i++) {
    const line = text[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadResponse(`malformed response header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    head.lines.push([name, value]);
    switch (name.toLowerCase()) {
      case 'content-length':
        if (!/^\d{1,15}$/.test(value) || (head.contentLength >= 0 && head.contentLength !== Number(value))) throw new BadResponse(`bad content-length: ${value}`);
        head.contentLength = Number(value);
        break;
      case 'transfer-encoding':
        chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
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
  else if (head.contentLength >= 0) head.framing = 'length';
  if (head.framing === 'close') head.close = true;
  return head;
}
