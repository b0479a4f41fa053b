// DPoP (RFC 9449) at a real Keycloak: the client's token source gets a client-credentials token bound to its key
// from test_dpop_client ("require DPoP bound tokens" on), and Keycloak refuses that client a token without a
// proof, or with a proof it already saw. The API side (the guard admitting such tokens) is in
// keycloak-dpop-api.test.ts.
import { describe, expect, test } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import {
  clientCredentialsGrant,
  clientSecretBasic,
  createDpopKey,
  createTokenSource,
  discovery,
  OAuthError,
  type ClientConfiguration,
} from '../../src/client/index.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
const DPOP_CLIENT = { clientId: 'test_dpop_client', secret: 'test_dpop_client_dev_secret' };

function configFor(client: { clientId: string; secret: string }): Promise<ClientConfiguration> {
  return discovery({
    issuer: keycloak.issuer(),
    clientId: client.clientId,
    clientAuth: clientSecretBasic(client.secret),
  });
}

function confirmation(token: string): unknown {
  return (decodeJwt(token)['cnf'] as { jkt?: unknown } | undefined)?.jkt;
}

describe('DPoP-bound tokens from Keycloak', () => {
  test('the token source gets a DPoP token whose cnf.jkt is the thumbprint of the key it proved', async () => {
    const source = createTokenSource(await configFor(DPOP_CLIENT), { scopes: ['test_api_access'], dpop: true });
    const token = await source.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(confirmation(token.token)).toBe(await source.dpop?.thumbprint());
    expect(decodeJwt(token.token)['aud']).toContain('test-api');
  });

  test('a key of the client’s own is the one the token is bound to', async () => {
    const dpop = createDpopKey();
    const token = await clientCredentialsGrant(await configFor(DPOP_CLIENT), { dpop });
    const proof = await dpop.proof({ htm: 'GET', htu: 'http://127.0.0.1/' });
    const jwk = decodeProtectedHeader(proof).jwk as JWK;
    expect(confirmation(token.token)).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  test('Keycloak refuses the DPoP client a token requested without a proof', async () => {
    await expect(clientCredentialsGrant(await configFor(DPOP_CLIENT))).rejects.toBeInstanceOf(OAuthError);
  });

  test('Keycloak refuses a proof it has already seen at its token endpoint', async () => {
    const config = await configFor(DPOP_CLIENT);
    const key = createDpopKey();
    const proof = await key.proof({ htm: 'POST', htu: config.tokenEndpoint });
    const replaying = { proof: () => Promise.resolve(proof), thumbprint: () => key.thumbprint() };
    await clientCredentialsGrant(config, { dpop: replaying });
    await expect(clientCredentialsGrant(config, { dpop: replaying })).rejects.toBeInstanceOf(OAuthError);
  });

  test('Keycloak refuses a proof made for another endpoint', async () => {
    const config = await configFor(DPOP_CLIENT);
    const key = createDpopKey();
    const wrong = {
      proof: () => key.proof({ htm: 'POST', htu: keycloak.issuer() }),
      thumbprint: () => key.thumbprint(),
    };
    await expect(clientCredentialsGrant(config, { dpop: wrong })).rejects.toBeInstanceOf(OAuthError);
  });

  test('a client without "require DPoP bound tokens" still gets a bound token when it sends a proof', async () => {
    // RFC 9449 §5: the provider binds any token requested with a valid proof, whatever the client's setting.
    const source = createTokenSource(
      await configFor({ clientId: 'test_api_client', secret: 'test_api_client_dev_secret' }),
      { dpop: true },
    );
    const token = await source.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(confirmation(token.token)).toBe(await source.dpop?.thumbprint());
  });
});
