import { createServer, type AddressInfo } from 'node:net';

/**
 * A port nothing listens on at the moment of asking, on 127.0.0.1, for the
 * servers that must be told their port up front (the Temporal dev server).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
