// DPoP at the test kit's token endpoint, driven by the real client: a request with a proof gets a token bound to
// the proof's key, as Keycloak answers; a bad proof is refused with invalid_dpop_proof.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request } from 'node:http';
import { decodeJwt } from 'jose';
import {
  clientCredentialsGrant,
  clientSecretBasic,
  createDpopKey,
  createTokenSource,
  discovery,
  type ClientConfiguration,
  type DpopKey,
} from '../../../src/client/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';

describe("the fake provider's token endpoint with DPoP", () => {
  let idp: FakeProvider;
  let config: ClientConfiguration;
  beforeAll(async () => {
    idp = await startFakeProvider({ clients: [{ clientId: 'reports', secret: 'reports secret' }] });
    config = await discovery({
      issuer: idp.issuer,
      clientId: 'reports',
      clientAuth: clientSecretBasic('reports secret'),
    });
  });
  afterAll(() => idp.close());

  /** A key whose proofs are made by `make` instead of for the token request. */
  const forging = (make: (key: DpopKey) => Promise<string>): DpopKey => {
    const key = createDpopKey();
    return { proof: () => make(key), thumbprint: () => key.thumbprint() };
  };

  test('binds the token to the proof’s key: token_type DPoP and cnf.jkt its thumbprint', async () => {
    const source = createTokenSource(config, { dpop: true });
    const token = await source.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(decodeJwt(token.token)['cnf']).toEqual({ jkt: await source.dpop?.thumbprint() });
  });

  test('without a proof the token is a plain Bearer token without cnf', async () => {
    const token = await clientCredentialsGrant(config);
    expect(token.tokenType).toBe('Bearer');
    expect(decodeJwt(token.token)).not.toHaveProperty('cnf');
  });

  test.each([
    ['for another URL', (key: DpopKey) => key.proof({ htm: 'POST', htu: idp.issuer })],
    ['for another method', (key: DpopKey) => key.proof({ htm: 'GET', htu: idp.tokenEndpoint })],
    [
      'ten minutes old',
      () => createDpopKey({ now: () => Date.now() - 600_000 }).proof({ htm: 'POST', htu: idp.tokenEndpoint }),
    ],
    ['not a JWS', () => Promise.resolve('not-a-proof')],
  ])('refuses a proof %s with invalid_dpop_proof', async (_name, make) => {
    await expect(clientCredentialsGrant(config, { dpop: forging(make) })).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
    });
  });

  test('refuses a request with two DPoP headers', async () => {
    const proof = await createDpopKey().proof({ htm: 'POST', htu: idp.tokenEndpoint });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(idp.tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('reports:reports%20secret').toString('base64')}`,
          dpop: [proof, proof],
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('grant_type=client_credentials');
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: 'invalid_dpop_proof',
      error_description: 'more than one DPoP header',
    });
  });
});
