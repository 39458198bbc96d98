import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback port that relays every connection to `host:port`. The router and the health probe speak
 * to backends on 127.0.0.1; a model whose upstream lives elsewhere (llama-swap's `proxy:` to another
 * host) is reached through one of these, opened with the instance and closed with it.
 */
export class TcpForwarder {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private bound = 0;

  private constructor(host: string, port: number) {
    this.server = createServer((client) => {
      const upstream = createConnection({ host, port });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.setNoDelay(true);
        // Either side failing or closing ends both: the router sees a reset, the probe a refusal.
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  get port(): number {
    return this.bound;
  }

  static async open(host: string, port: number): Promise<TcpForwarder> {
    const f = new TcpForwarder(host, port);
    await new Promise<void>((resolve, reject) => {
      f.server.once('error', reject);
      f.server.listen({ host: '127.0.0.1', port: 0 }, () => {
        f.server.off('error', reject);
        const addr = f.server.address();
        f.bound = typeof addr === 'object' && addr ? addr.port : 0;
        resolve();
      });
    });
    return f;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
