// Is a Docker engine reachable? Asks the engine's API (`GET /_ping`) on DOCKER_HOST or the usual sockets, so
// the answer does not depend on the docker command (testcontainers talks to the socket directly).
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Endpoint = { readonly socketPath: string } | { readonly host: string; readonly port: number };

function endpoints(dockerHost: string | undefined): Endpoint[] {
  if (dockerHost) {
    const url = new URL(dockerHost);
    if (url.protocol === 'unix:') return [{ socketPath: url.pathname }];
    if (url.protocol === 'tcp:' || url.protocol === 'http:') return [{ host: url.hostname, port: Number(url.port || 2375) }];
    return [];
  }
  return ['/var/run/docker.sock', join(homedir(), '.docker', 'run', 'docker.sock')]
    .filter((path) => existsSync(path))
    .map((socketPath) => ({ socketPath }));
}

function ping(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** Why no Docker engine answers (undefined when one does). `dockerHost` is DOCKER_HOST, if set. */
export async function dockerEngineUnavailable(dockerHost: string | undefined): Promise<string | undefined> {
  const candidates = endpoints(dockerHost);
  if (candidates.length === 0) return dockerHost ? `DOCKER_HOST=${dockerHost} is not supported here` : 'no Docker socket';
  for (const endpoint of candidates) if (await ping(endpoint)) return undefined;
  const where = candidates.map((e) => ('socketPath' in e ? e.socketPath : `${e.host}:${e.port}`)).join(', ');
  return `no Docker engine answers on ${where}`;
}
