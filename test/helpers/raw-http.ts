import { connect, type Socket } from 'node:net';

/** One answer as it came on the wire. */
export interface RawResponse {
  status: number;
  /** Header lines as sent (names in their case), in order. */
  lines: Array<[string, string]>;
  /** The body's payload (chunked framing removed), as text. */
  body: string;
  /** The same, as bytes. */
  bytes: Buffer;
  /** How the body was delimited. */
  framing: 'length' | 'chunked' | 'close' | 'none';
  /** Chunked: each chunk's payload, the end chunk excluded. */
  chunks: string[];
}

/** The value of a header (any case), or undefined. */
export function header(r: RawResponse, name: string): string | undefined {
  return r.lines.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/**
 * A client connection that writes raw bytes and reads answers off the wire, framing and all, where
 * node's HTTP client would hide how an answer is framed and when the connection ends.
 */
export class RawClient {
  /** Received bytes not read yet, joined only when looked at (a large body is not copied read by read). */
  private parts: Buffer[] = [];
  private size = 0;
  private ended = false;
  private wake: (() => void) | null = null;
  readonly socket: Socket;
  /** Resolves when the server has closed the connection (or it failed). */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.parts.push(c);
      this.size += c.length;
      this.poke();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        this.poke();
        resolve();
      });
    });
    socket.on('end', () => {
      this.ended = true;
      this.poke();
    });
    socket.on('error', () => undefined);
  }

  static open(url: string): Promise<RawClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: u.hostname, port: Number(u.port) }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private get buf(): Buffer {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts, this.size)];
    return this.parts[0]!;
  }

  private set buf(b: Buffer) {
    this.parts = [b];
    this.size = b.length;
  }

  /** Whether the server ended the connection. */
  get isClosed(): boolean {
    return this.ended;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Bytes received and not yet read as an answer. */
  get pending(): string {
    return this.buf.toString('latin1');
  }

  /** Stops reading (the server's writes back up); `resume` reads again. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once the received bytes contain `text` (or the connection ended). */
  async waitFor(text: string): Promise<void> {
    while (!this.buf.includes(text) && !this.ended) await this.more();
  }

  /** The next whole answer; a 1xx answer is one too. Rejects if the connection ends before it does. */
  async response(): Promise<RawResponse> {
    let end: number;
    while ((end = this.buf.indexOf('\r\n\r\n')) < 0) await this.more('a response head');
    const headLines = this.buf.toString('latin1', 0, end).split('\r\n');
    this.buf = this.buf.subarray(end + 4);
    const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(headLines[0]!);
    if (!statusLine) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(headLines[0])}`);
    const status = Number(statusLine[1]);
    const lines = headLines.slice(1).map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
    const r: RawResponse = { status, lines, body: '', bytes: Buffer.alloc(0), framing: 'none', chunks: [] };
    if (status < 200 || status === 204 || status === 304) return r;
    const te = header(r, 'transfer-encoding');
    const cl = header(r, 'content-length');
    if (te !== undefined) {
      r.framing = 'chunked';
      const parts: Buffer[] = [];
      for (;;) {
        let nl: number;
        while ((nl = this.buf.indexOf('\r\n')) < 0) await this.more('a chunk size line');
        const size = parseInt(this.buf.toString('latin1', 0, nl), 16);
        if (!Number.isFinite(size)) throw new Error(`bad chunk size line: ${JSON.stringify(this.buf.toString('latin1', 0, nl))}`);
        while (this.buf.length < nl + 2 + size + 2) await this.more('a whole chunk');
        if (this.buf.toString('latin1', nl + 2 + size, nl + 4 + size) !== '\r\n') throw new Error('a chunk is not followed by CRLF');
        const data = this.buf.subarray(nl + 2, nl + 2 + size);
        this.buf = this.buf.subarray(nl + 4 + size);
        if (size === 0) break; // (no trailers expected)
        parts.push(Buffer.from(data));
        r.chunks.push(data.toString('utf8'));
      }
      r.bytes = Buffer.concat(parts);
    } else if (cl !== undefined) {
      r.framing = 'length';
      const n = Number(cl);
      while (this.size < n) await this.more('the whole body');
      r.bytes = Buffer.from(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
    } else {
      r.framing = 'close';
      while (!this.ended) await this.more();
      r.bytes = this.buf;
      this.buf = Buffer.alloc(0);
    }
    r.body = r.bytes.toString('utf8');
    return r;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private more(what?: string): Promise<void> {
    if (this.ended) {
      if (what) return Promise.reject(new Error(`the connection ended while waiting for ${what}; left: ${JSON.stringify(this.pending.slice(0, 200))}`));
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.wake = resolve));
  }
}

/** A request as bytes: `POST path` with a JSON body and a Content-Length, plus any header lines. */
export function rawPost(url: string, path: string, body: unknown, extra: Record<string, string> = {}): string {
  const text = JSON.stringify(body);
  const host = new URL(url).host;
  let head = `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n`;
  for (const [k, v] of Object.entries(extra)) head += `${k}: ${v}\r\n`;
  return `${head}\r\n${text}`;
}

/** A GET as bytes. */
export function rawGet(url: string, path: string, extra: Record<string, string> = {}): string {
  let head = `GET ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n`;
  for (const [k, v] of Object.entries(extra)) head += `${k}: ${v}\r\n`;
  return `${head}\r\n`;
}
