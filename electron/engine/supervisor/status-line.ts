/** `HTTP/1.1 200 OK`: the version, then a three-digit code (RFC 9112 §4). */
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?: |\r?\n)/;

/**
 * The status code at the start of an HTTP answer: a number once the status line is complete,
 * `'incomplete'` while its line end has not arrived yet, `'invalid'` when the bytes are not an HTTP answer.
 */
export function parseStatusLine(head: string): number | 'incomplete' | 'invalid' {
  if (!'HTTP/'.startsWith(head.slice(0, 5))) return 'invalid';
  const eol = head.indexOf('\n');
  if (eol < 0) return 'incomplete';
  const m = STATUS_LINE.exec(head.slice(0, eol + 1));
  return m ? Number(m[1]) : 'invalid';
}
