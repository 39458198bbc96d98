/**
 * Splits a Server-Sent Events byte stream (as an OpenAI server sends it) into the `data` of each event.
 * Feed it text as it arrives, in chunks cut anywhere; it returns the events completed so far.
 */
export class SseData {
  private buffer = '';
  private data: string[] = [];

  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line, out);
    }
    return out;
  }

  /** The stream ended: an event without its blank line still counts. */
  end(): string[] {
    const out: string[] = [];
    if (this.buffer) this.line(this.buffer.replace(/\r$/, ''), out);
    this.buffer = '';
    this.line('', out);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line === '') {
      if (this.data.length) out.push(this.data.join('\n'));
      this.data = [];
    } else if (line.startsWith('data:')) {
      this.data.push(line.slice(line[5] === ' ' ? 6 : 5));
    }
    // `event:`, `id:`, `retry:` and `:` comments carry nothing an Ollama client needs.
  }
}
