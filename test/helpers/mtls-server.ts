/**
 * An HTTPS provider and API on 127.0.0.1 that ask for a client certificate (mTLS, RFC 8705): discovery, a token
 * endpoint that issues a token naming the certificate's thumbprint, a revocation endpoint, and an API that
 * answers with the thumbprint it saw. Certificate-less requests get 401 `invalid_client`.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TestCertificates } from './test-certificates.js';

/** One request the server received. */
export interface SeenRequest {
  readonly path: string;
  /** The verified client certificate's SHA-256 thumbprint, base64url; undefined without one. */
  readonly thumbprint: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface MtlsServer {
  readonly origin: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export async function startMtlsServer(certs: TestCertificates): Promise<MtlsServer> {
  const seen: SeenRequest[] = [];
  const server = createServer({
    cert: certs.server.cert,
    key: certs.server.key,
    ca: certs.ca.cert,
    requestCert: true,
    rejectUnauthorized: false, // judged per request, so that a missing certificate gets an OAuth error
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      const thumbprint = peer?.raw ? createHash('sha256').update(peer.raw).digest('base64url') : undefined;
      const path = new URL(req.url ?? '/', origin).pathname;
      seen.push({ path, thumbprint, authorization: req.headers.authorization, body });
      if (path === '/.well-known/openid-configuration') {
        return answer(res, 200, {
          issuer: origin,
          token_endpoint: `${origin}/token`,
          revocation_endpoint: `${origin}/revoke`,
        });
      }
      if (thumbprint === undefined) return answer(res, 401, { error: 'invalid_client' });
      if (path === '/revoke') return answer(res, 200);
      if (path === '/token') {
        return answer(res, 200, { access_token: `bound-to.${thumbprint}.x`, token_type: 'Bearer', expires_in: 60 });
      }
      return answer(res, 200, { thumbprint });
    });
  });
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
