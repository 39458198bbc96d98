/**
 * Text for a desktop notification, from event messages that carry backend output (a crash's last log
 * lines). That output is untrusted: terminal escapes (OSC 8 hyperlinks, cursor moves), control and
 * bidi-override characters, and markup all go. On Linux, notification servers render body markup
 * (`<a href>`, `<img src>`; freedesktop notification spec), so the body's `& < >` are escaped there;
 * elsewhere the body is plain text and escaping would show as `&lt;` (issue 8).
 */

const ANSI_CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
const ANSI_OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
const ANSI_OTHER = /\u001b[@-_]?/g;
// C0 (but tab and newline), DEL, C1, and the bidi embeddings/overrides/isolates that reorder text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const MAX_TITLE_CHARS = 100;
export const MAX_BODY_CHARS = 300;
export const MAX_BODY_LINES = 5;

/** Untrusted text with escapes and control characters removed. */
export function plainText(text: string): string {
  return text.replace(ANSI_CSI, '').replace(ANSI_OSC, '').replace(ANSI_OTHER, '').replace(/\t/g, ' ').replace(CONTROL, '');
}

export function notificationTitle(text: string): string {
  return truncate(plainText(text).replace(/\n+/g, ' ').trim(), MAX_TITLE_CHARS);
}

/** The body: plain, at most a few lines, and markup-escaped where the platform renders markup. */
export function notificationBody(text: string, markup: boolean): string {
  const lines = plainText(text).split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const kept = lines.length > MAX_BODY_LINES ? [...lines.slice(0, MAX_BODY_LINES - 1), '…'] : lines;
  const body = truncate(kept.join('\n'), MAX_BODY_CHARS);
  return markup ? escapeMarkup(body) : body;
}

function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
