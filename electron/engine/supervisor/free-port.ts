import { createServer } from 'node:net';

/**
 * A port the OS considers free right now. Another process may still take it before the backend
 * binds it; the backend then exits with a bind error and the start fails as `exited`, which the
 * caller may retry with a new port.
 * `port` 0 asks the OS for any free port; any other port is tried as asked and rejects when taken.
 */
export function freePort(host = '127.0.0.1', port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : 0;
      server.close((err) => {
        if (err) reject(err);
        else if (bound === 0) reject(new Error(`no port was assigned on ${host}`));
        else resolve(bound);
      });
    });
  });
}
