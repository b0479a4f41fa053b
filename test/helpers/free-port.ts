/**
 * The one way the tests open a port: on 127.0.0.1 only (no test traffic leaves the machine), at a port the
 * system chooses, so parallel test files never collide.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A server listening on 127.0.0.1. */
export interface Listening {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Closes the server, ending open (keep-alive) connections first so that closing never waits for a client. */
  close(): Promise<void>;
}

/**
 * Makes `server` (a `net`, `http` or `https` server) listen on 127.0.0.1 at `port`, by default one of the
 * system's choice.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    origin: `http://127.0.0.1:${bound}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP port free on 127.0.0.1 right now, and closed again: for servers that cannot listen on port 0
 * themselves, and for a port where nothing listens (a refused connection).
 */
export async function freePort(): Promise<number> {
  const listening = await listenOnLoopback(createServer());
  await listening.close();
  return listening.port;
}
