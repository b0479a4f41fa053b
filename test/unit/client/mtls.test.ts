// Mutual TLS (RFC 8705) against a real HTTPS token endpoint and API on 127.0.0.1 that ask for a client
// certificate: the client authenticates with its certificate alone and calls the API over the same one.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Agent as HttpsAgent } from 'node:https';
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
import { startMtlsServer, type MtlsServer, type SeenRequest } from '../../helpers/mtls-server.js';
import { makeTestCertificates, type TestCertificates } from '../../helpers/test-certificates.js';

describe('mTLS client authentication and certificate-bound calls', () => {
  let certs: TestCertificates;
  let mtls: MtlsServer;
  let origin: string;
  let seen: SeenRequest[];

  beforeAll(async () => {
    certs = makeTestCertificates();
    mtls = await startMtlsServer(certs);
    origin = mtls.origin;
    seen = mtls.seen;
  });
  afterAll(async () => {
    await mtls.close();
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
