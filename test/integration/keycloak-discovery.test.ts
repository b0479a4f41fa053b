// A client that knows only the API's URL: it finds Keycloak through the demo's protected-resource metadata
// (RFC 9728), gets a token there with the audience the API demands, and calls the API.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { clientCredentialsGrant, clientSecretBasic, discoverResource, discovery } from '../../src/client/index.js';
import { startDemoServer, type DemoServerProcess } from '../helpers/demo-server.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
let api: DemoServerProcess;

beforeAll(async () => {
  api = await startDemoServer({ ISSUER_URL: keycloak.issuer(), AUDIENCE: 'test-api' });
}, 60_000);
afterAll(async () => {
  await api?.stop();
});

describe('discovery from the API URL alone, against a real Keycloak', () => {
  test('finds Keycloak through the metadata, gets a token with the right audience, and is admitted', async () => {
    const target = `${api.url}/api/private-scoped`;
    const refused = await fetch(target);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="myorg", resource_metadata="${api.url}/.well-known/oauth-protected-resource"`,
    );

    const found = await discoverResource(target);
    expect(found.resource).toBe(api.url);
    expect(found.authorizationServers).toEqual([keycloak.issuer()]);
    expect([...found.scopesSupported].sort()).toEqual(['email', 'test_api_access']);

    const config = await discovery({
      issuer: found.authorizationServers[0]!,
      clientId: 'test_api_client',
      clientAuth: clientSecretBasic('test_api_client_dev_secret'),
    });
    const { token } = await clientCredentialsGrant(config, { scopes: ['test_api_access'] });
    const aud = decodeJwt(token).aud;
    expect(Array.isArray(aud) ? aud : [aud]).toContain('test-api');

    const admitted = await fetch(target, { headers: { authorization: `Bearer ${token}` } });
    expect(admitted.status).toBe(200);
  });
});
