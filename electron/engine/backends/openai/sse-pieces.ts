// Streaming a generation as Server-Sent Events at the least cost per token: every token goes through
// this code, and on a small machine its cost competes with generation itself.

/** A string no generated text carries: it marks where the text goes in an event's JSON. */
const MARK = '\u0000\u0001text\u0001\u0000';

/**
 * The SSE event (`data: JSON\n\n`) of `chunk(text)` for any text, with the JSON of the rest of the
 * chunk built once: each piece then costs one escaped string instead of a whole object serialised.
 * The output is byte for byte what `JSON.stringify(chunk(text))` gives.
 */
export function sseEventEncoder(chunk: (text: string) => unknown): (text: string) => string {
  const json = JSON.stringify(chunk(MARK));
  const mark = JSON.stringify(MARK);
  const at = json.indexOf(mark);
  if (at < 0 || json.includes(mark, at + 1)) return (text) => `data: ${JSON.stringify(chunk(text))}\n\n`;
  const head = `data: ${json.slice(0, at)}`;
  const tail = `${json.slice(at + mark.length)}\n\n`;
  return (text) => head + JSON.stringify(text) + tail;
}

export type Schedule = (fn: () => void) => void;

/**
 * Pieces of generated text, sent once per turn of the event loop (`setImmediate`): the write happens
 * after the generation loop has handed the next token's computation to llama.cpp's thread, so it
 * runs alongside that instead of before it, and pieces that come out together (text held back while
 * it might have been the start of a stop word) go out as one event. Nothing waits on a timer.
 */
export class PieceBatcher {
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly send: (text: string) => void,
    private readonly schedule: Schedule = setImmediate,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Sends what is pending now (before the stream's last events). */
  flush(): void {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.send(text);
  }
}
