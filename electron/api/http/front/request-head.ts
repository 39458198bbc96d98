/** What the fast path needs of a client's request head; anything it does not expect goes to node:http. */
export interface RequestHead {
  method: string;
  /** The request target as sent (origin form: path and query). */
  target: string;
  /** Bytes of the head, through its blank line. */
  size: number;
  /** Header names (lower-case) and values; repeated names joined with ", ". */
  headers: Record<string, string>;
  /** [name, value, ...] as received (node's rawHeaders). */
  raw: string[];
  /** -1 when absent. */
  contentLength: number;
  /** The client asked to close the connection after this answer. */
  close: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** Heads longer than this are node:http's to answer (431). */
export const MAX_REQUEST_HEAD = 16 * 1024;
const REQUEST_LINE = /^([A-Z]+) (\/[^ ]*) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The head at the start of `buf`: null while incomplete, 'other' for anything outside the plain
 * HTTP/1.1 subset the fast path serves (the connection then goes to node:http, which answers it).
 */
export function parseRequestHead(buf: Buffer): RequestHead | null | 'other' {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) return buf.length > MAX_REQUEST_HEAD ? 'other' : null;
  if (end > MAX_REQUEST_HEAD) return 'other';
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const m = REQUEST_LINE.exec(lines[0]!);
  if (!m) return 'other';
  const headers: Record<string, string> = {};
  const raw: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'other';
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return 'other';
    const value = line.slice(colon + 1).trim();
    raw.push(name, value);
    const key = name.toLowerCase();
    const had = headers[key];
    headers[key] = had === undefined ? value : `${had}, ${value}`;
  }
  const length = headers['content-length'];
  if (length !== undefined && !/^\d{1,15}$/.test(length)) return 'other';
  const connection = headers.connection?.toLowerCase();
  return {
    method: m[1]!,
    target: m[2]!,
    size: end + HEAD_END.length,
    headers,
    raw,
    contentLength: length === undefined ? -1 : Number(length),
    close: connection !== undefined && /(?:^|,)\s*close\s*(?:,|$)/.test(connection),
  };
}
