// Loopback ports: pick a free one, or make sure a chosen one is free before Keycloak tries it.
import { createServer } from 'node:net';

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/** Throws a readable error when `port` is taken on 127.0.0.1. */
export async function assertPortFree(port: number): Promise<void> {
  try {
    await listenOnce(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `port ${port} on 127.0.0.1 is already in use: is a Keycloak running already (npm run keycloak -- status)? ` +
        'Stop it, pick another port (--port), or point KEYCLOAK_URL at it.',
      { cause: error },
    );
  }
}
