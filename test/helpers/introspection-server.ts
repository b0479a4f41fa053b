/**
 * A real introspection endpoint (RFC 7662) on 127.0.0.1:0 for the guard's tests, with a discovery document of
 * its own for the issuer it vouches for (use its `discoveryUrl` as the issuer's `discoveryUrl`). It
 * authenticates the resource server by client_secret_basic or client_secret_post as Keycloak does, answers
 * a JWT as active (its claims plus `active`) unless revoked, an opaque token as registered, and can fail on
 * demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { listenOnLoopback } from './free-port.js';
import { decodeBasic, readBody } from './form-request.js';

/** One introspection request as received. */
export interface IntrospectionRecord {
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly form: URLSearchParams;
}

/** How the endpoint fails: 500, garbage, an answer without `active`, 401 invalid_client, a dropped connection, no answer. */
export type IntrospectionFault = 'error' | 'garbage' | 'no-active' | 'unauthorized' | 'refuse' | 'hang';

export interface IntrospectionServer {
  /** Base URL to give as the issuer's `discoveryUrl`: `<origin>/realms/<realm>`. */
  readonly discoveryUrl: string;
  /** `<discoveryUrl>/protocol/openid-connect/token/introspect` (Keycloak's path). */
  readonly endpoint: string;
  /** The discovery document, served as is: tests may edit it. */
  readonly metadata: Record<string, unknown>;
  /** Serve the discovery document (else 404, as a provider without discovery). Default true. */
  discovery: boolean;
  /** Every introspection request received, whatever its outcome. */
  readonly requests: IntrospectionRecord[];
  /** How many times the discovery document was asked for. */
  readonly counts: { discovery: number };
  /** When set, every introspection request fails this way. */
  fault: IntrospectionFault | undefined;
  /** From now on, `token` is inactive. */
  revoke(token: string): void;
  /** The answer for an opaque token (`active: true` is added). */
  register(token: string, claims: Record<string, unknown>): void;
  /** Holds every answer until the returned function is called. */
  hold(): () => void;
  /** Resolves once `count` introspection requests have arrived. */
  arrived(count: number): Promise<void>;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Starts the endpoint for `issuer`, accepting the client `clientId` with `secret`. */
export async function startIntrospectionServer(options: {
  issuer: string;
  clientId: string;
  secret: string;
  realm?: string;
}): Promise<IntrospectionServer> {
  const revoked = new Set<string>();
  const opaque = new Map<string, Record<string, unknown>>();
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let holding = false;

  function answerFor(token: string): Record<string, unknown> {
    if (revoked.has(token)) return { active: false };
    const registered = opaque.get(token);
    if (registered !== undefined) return { ...registered, active: true };
    try {
      const claims = decodeJwt(token);
      return { ...claims, client_id: claims.azp, token_type: 'Bearer', active: true };
    } catch {
      return { active: false };
    }
  }

  async function introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = {
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      form: new URLSearchParams(await readBody(req)),
    };
    server.requests.push(record);
    for (const waiter of waiters.filter((w) => server.requests.length >= w.count)) waiter.resolve();
    const respond = () => {
      switch (server.fault) {
        case 'hang':
          return;
        case 'refuse':
          return void req.socket.destroy();
        case 'error':
          return void res.writeHead(500).end('down');
        case 'garbage':
          return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
        case 'no-active':
          return json(res, 200, { scope: 'email' });
        case 'unauthorized':
          return json(res, 401, { error: 'invalid_client' });
      }
      const basic = decodeBasic(record.authorization);
      const viaBasic = basic?.id === options.clientId && basic.secret === options.secret;
      const viaPost =
        record.form.get('client_id') === options.clientId && record.form.get('client_secret') === options.secret;
      if (!viaBasic && !viaPost)
        return json(res, 401, { error: 'invalid_client', error_description: 'Authentication failed.' });
      json(res, 200, answerFor(record.form.get('token') ?? ''));
    };
    if (holding) held.push(respond);
    else respond();
  }

  const httpServer = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === `${base}/.well-known/openid-configuration`) {
      server.counts.discovery++;
      return server.discovery ? json(res, 200, server.metadata) : void res.writeHead(404).end();
    }
    if (req.method === 'POST' && path === `${base}/protocol/openid-connect/token/introspect`) {
      return void introspect(req, res).catch(() => res.writeHead(500).end());
    }
    res.writeHead(404).end();
  });
  const listening = await listenOnLoopback(httpServer);
  const base = `/realms/${options.realm ?? 'myorg'}`;
  const discoveryUrl = `${listening.origin}${base}`;
  const endpoint = `${discoveryUrl}/protocol/openid-connect/token/introspect`;

  const server: IntrospectionServer = {
    discoveryUrl,
    endpoint,
    metadata: { issuer: options.issuer, introspection_endpoint: endpoint },
    discovery: true,
    requests: [],
    counts: { discovery: 0 },
    fault: undefined,
    revoke: (token) => void revoked.add(token),
    register: (token, claims) => void opaque.set(token, claims),
    hold() {
      holding = true;
      return () => {
        holding = false;
        for (const respond of held.splice(0)) respond();
      };
    },
    arrived: (count) =>
      server.requests.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: listening.close,
  };
  return server;
}
