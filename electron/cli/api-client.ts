import type { ErrorBody } from '../../shared/errors.js';

/** A small client of a running instance's HTTP API, for the CLI. */
export class ApiClient {
  constructor(
    readonly base: string,
    private readonly apiKey: string | null,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...extra };
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`cannot reach Loadout at ${this.base} (${(err as { cause?: { code?: string } }).cause?.code ?? String(err)}); is \`loadout serve\` or the app running?`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      try {
        message = (JSON.parse(text) as ErrorBody).error.message;
      } catch {
        // not our error shape; keep the status line
      }
      throw new Error(message);
    }
    return JSON.parse(text) as T;
  }

  /** Reads a Server-Sent Events stream until the process ends; resumes with Last-Event-ID on reconnect. */
  async follow(path: string, onMessage: (event: string, data: string, id: string | null) => void, lastId: string | null = null): Promise<never> {
    for (;;) {
      try {
        const res = await fetch(this.base + path, { headers: this.headers(lastId ? { 'last-event-id': lastId } : {}) });
        if (!res.ok || !res.body) throw new Error(`${res.status} ${res.statusText}`);
        let buf = '';
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let event = 'message';
            let id: string | null = null;
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('id: ')) id = line.slice(4);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (id) lastId = id;
            if (data.length) onMessage(event, data.join('\n'), id);
          }
        }
      } catch (err) {
        process.stderr.write(`stream interrupted (${String(err)}); reconnecting\n`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
