import { decimal, hasToken } from '../upstream/response-head.js';

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
const REQUEST_LINE = /^([A-Z]+) (\/[\x21-\x7e]*) HTTP\/1\.1$/;

/**
 * The head at the start of `buf`: null while incomplete, 'other' for anything outside the plain
 * HTTP/1.1 subset the fast path serves (the connection then goes to node:http, which answers it).
 * Lines are found with byte searches and each name checked byte by byte as a token.
 */
export function parseRequestHead(buf: Buffer): RequestHead | null | 'other' {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) return buf.length > MAX_REQUEST_HEAD ? 'other' : null;
  if (end > MAX_REQUEST_HEAD) return 'other';
  let nl = buf.indexOf(LF);
  if (buf[nl - 1] !== CR) return 'other';
  const m = REQUEST_LINE.exec(buf.toString('latin1', 0, nl - 1));
  if (!m) return 'other';
  const headers: Record<string, string> = {};
  const raw: string[] = [];
  // The last header line ends with the CRLF at `end`; the blank line follows.
  for (let start = nl + 1; start < end + 2; start = nl + 1) {
    nl = buf.indexOf(LF, start);
    const eol = nl - 1;
    if (buf[eol] !== CR) return 'other';
    const colon = tokenEnd(buf, start, eol);
    if (colon <= start || buf[colon] !== 0x3a) return 'other';
    if (!fieldValue(buf, colon + 1, eol)) return 'other';
    const name = buf.toString('latin1', start, colon);
    const value = buf.toString('latin1', colon + 1, eol).trim();
    raw.push(name, value);
    const key = name.toLowerCase();
    const had = headers[key];
    headers[key] = had === undefined ? value : `${had}, ${value}`;
  }
  const length = headers['content-length'];
  const contentLength = length === undefined ? -1 : decimal(length);
  if (length !== undefined && contentLength < 0) return 'other';
  const connection = headers.connection;
  return {
    method: m[1]!,
    target: m[2]!,
    size: end + HEAD_END.length,
    headers,
    raw,
    contentLength,
    close: connection !== undefined && hasToken(connection, 'close'),
  };
}

const CR = 0x0d;
const LF = 0x0a;

/** The index of the first byte from `start` that is not a token character (RFC 9110 §5.6.2). */
function tokenEnd(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && TOKEN_CHARS[buf[i]!] === 1) i++;
  return i;
}

/** Whether the bytes are a field value node:http would accept: no control characters but tab. */
function fieldValue(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

const TOKEN_CHARS = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TOKEN_CHARS[c.charCodeAt(0)] = 1;
