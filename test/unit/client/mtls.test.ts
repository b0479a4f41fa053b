// Mutual TLS (RFC 8705) against a real HTTPS token endpoint and API on 127.0.0.1 that ask for a client
// certificate: the client authenticates with its certificate alone and calls the API over the same one.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, Agent as HttpsAgent } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import axios from 'axios';
import {
  clientCredentialsGrant,
  createConfiguration,
  discovery,
  ProviderUnreachableError,
  revokeToken,
  tlsClientAuth,
  type ClientCertificate,
  type ClientConfiguration,
} from '../../../src/client/index.js';
import { makeTestCertificates, type TestCertificates } from '../../helpers/test-certificates.js';

interface Seen {
  readonly path: string;
  readonly thumbprint: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
}

describe('mTLS client authentication and certificate-bound calls', () => {
  let certs: TestCertificates;
  let origin: string;
  const seen: Seen[] = [];
  let server: ReturnType<typeof createServer>;

  beforeAll(async () => {
    certs = makeTestCertificates();
    server = createServer({
      cert: certs.server.cert,
      key: certs.server.key,
      ca: certs.ca.cert,
      requestCert: true,
      rejectUnauthorized: false, // answered per request below, so a missing certificate gets an OAuth error
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', (): void => {
        const socket = req.socket as TLSSocket;
        const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
        const thumbprint = peer?.raw ? createHash('sha256').update(peer.raw).digest('base64url') : undefined;
        const path = new URL(req.url ?? '/', origin).pathname;
        seen.push({ path, thumbprint, authorization: req.headers.authorization, body });
        res.setHeader('content-type', 'application/json');
        if (path === '/.well-known/openid-configuration') {
          res.end(
            JSON.stringify({
              issuer: origin,
              token_endpoint: `${origin}/token`,
              revocation_endpoint: `${origin}/revoke`,
            }),
          );
          return;
        }
        if (thumbprint === undefined) {
          res.statusCode = 401;
          res.end(JSON.stringify({ error: 'invalid_client', error_description: 'no client certificate' }));
          return;
        }
        if (path === '/revoke') {
          res.end();
          return;
        }
        res.end(JSON.stringify({ access_token: `bound-to.${thumbprint}.x`, token_type: 'Bearer', expires_in: 60 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    certs.remove();
  });

  const config = (clientCertificate?: object): ClientConfiguration =>
    createConfiguration({
      tokenEndpoint: `${origin}/token`,
      revocationEndpoint: `${origin}/revoke`,
      clientId: 'test_mtls_client',
      clientAuth: tlsClientAuth(),
      ...(clientCertificate === undefined ? {} : { clientCertificate: clientCertificate as ClientCertificate }),
    });
  const withCert = () => config({ cert: certs.client.cert, key: certs.client.key, ca: certs.ca.cert });

  test('the token request shows the certificate and carries only client_id, no secret', async () => {
    seen.length = 0;
    const token = await clientCredentialsGrant(withCert(), { scopes: ['test_api_access'] });
    expect(token.token).toBe(`bound-to.${certs.client.thumbprint}.x`);
    const [request] = seen;
    expect(request?.thumbprint).toBe(certs.client.thumbprint);
    expect(request?.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'test_api_access',
      client_id: 'test_mtls_client',
    });
  });

  test('discovery and revocation go over the same certificate', async () => {
    seen.length = 0;
    const discovered = await discovery({
      issuer: origin,
      clientId: 'test_mtls_client',
      clientAuth: tlsClientAuth(),
      clientCertificate: { cert: certs.client.cert, key: certs.client.key, ca: certs.ca.cert },
    });
    await revokeToken(discovered, 'some-token');
    expect(seen.map((s) => [s.path, s.thumbprint])).toEqual([
      ['/.well-known/openid-configuration', certs.client.thumbprint],
      ['/revoke', certs.client.thumbprint],
    ]);
  });

  test('the provider is verified: without its private CA the client does not connect', async () => {
    const untrusting = config({ cert: certs.client.cert, key: certs.client.key });
    await expect(clientCredentialsGrant(untrusting)).rejects.toBeInstanceOf(ProviderUnreachableError);
  });

  test('the API is called over the same certificate with an https.Agent', async () => {
    seen.length = 0;
    const httpsAgent = new HttpsAgent({ cert: certs.client.cert, key: certs.client.key, ca: certs.ca.cert });
    await axios.get(`${origin}/api/orders`, { httpsAgent });
    httpsAgent.destroy();
    expect(seen[0]?.thumbprint).toBe(certs.client.thumbprint);
  });

  test('a certificate option that cannot be used is refused when the configuration is made', () => {
    expect(() => config({ cert: 'not a certificate', key: certs.client.key })).toThrow(/"clientCertificate" must hold/);
    expect(() => config({ cert: certs.client.cert, key: certs.otherClient.key })).toThrow(/matching private key/);
    expect(() => config({ cert: certs.client.cert, key: certs.client.key, pfx: 'x' })).toThrow(
      /"clientCertificate.pfx" is not an option/,
    );
    expect(() => config('cert' as unknown as object)).toThrow(/must be an object/);
  });

  test('the error never quotes the key', () => {
    let message = '';
    try {
      config({ cert: certs.client.cert, key: 'MIIB-secret-looking-key' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('secret-looking');
  });
});
