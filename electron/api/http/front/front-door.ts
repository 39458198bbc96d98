import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { ClientConnection, type ConnectionOwner, type FastHandler, type ReadLimits } from './client-connection.js';

/**
 * The listening socket in front of node:http. Requests the fast path serves (OpenAI inference
 * requests: the hot path) are read and answered on the raw connection; at the first request it does
 * not serve, the connection, with the bytes read so far, goes to the node:http server for good.
 */
export class FrontDoor implements ConnectionOwner {
  readonly server: Server;
  private readonly conns = new Set<ClientConnection>();

  constructor(
    private readonly http: HttpServer,
    readonly handler: FastHandler,
  ) {
    this.server = createServer({ noDelay: true }, (socket) => this.conns.add(new ClientConnection(socket, this)));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // node:http starts its connection tracking (header and request timeouts) on 'listening'.
        this.http.emit('listening');
        resolve();
      });
    });
  }

  get limits(): ReadLimits {
    return this.http;
  }

  handOver(conn: ClientConnection, bytes: Buffer | null): void {
    this.conns.delete(conn);
    const socket: Socket = conn.socket;
    if (bytes && bytes.length > 0) socket.unshift(bytes);
    this.http.emit('connection', socket);
    socket.resume();
  }

  closed(conn: ClientConnection): void {
    this.conns.delete(conn);
  }

  /** Stops listening and closes every connection, fast or handed over. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const c of this.conns) c.destroy();
      this.http.closeAllConnections();
      this.http.close(() => undefined);
    });
  }
}
