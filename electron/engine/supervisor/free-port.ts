import { createServer } from 'node:net';

/**
 * A port the OS considers free right now. Another process may still take it before the backend
 * binds it; the backend then exits with a bind error and the start fails as `exited`, which the
 * caller may retry with a new port.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close((err) => {
        if (err) reject(err);
        else if (port === 0) reject(new Error(`no port was assigned on ${host}`));
        else resolve(port);
      });
    });
  });
}
