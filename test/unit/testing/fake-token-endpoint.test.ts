// The test kit's token endpoint, driven by the real client of bearer-guard/client: what an app testing its own
// client code gets from `startFakeProvider()`.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK } from 'jose';
import {
  clientCredentialsGrant,
  clientSecretBasic,
  clientSecretPost,
  createBearerAxios,
  createTokenSource,
  discovery,
  privateKeyJwt,
  type ClientAuth,
  type ClientConfiguration,
} from '../../../src/client/index.js';
import { createAuth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { listenOnLoopback } from '../../helpers/free-port.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A client authentication that also sends one more form parameter (an RFC 8707 style audience). */
const withParameter =
  (auth: ClientAuth, name: string, value: string): ClientAuth =>
  async (context, body, headers) => {
    await auth(context, body, headers);
    body.set(name, value);
  };

describe("the fake provider's token endpoint", () => {
  let idp: FakeProvider;
  beforeAll(async () => {
    idp = await startFakeProvider({
      clients: [
        { clientId: 'reports', secret: 'reports secret', scopes: ['reports:read', 'email'] },
        { clientId: 'rsa-signer', publicKey: rsa.publicKey },
        { clientId: 'ec-signer', publicKey: await exportJWK(ec.publicKey) },
        {
          clientId: 'multi',
          secret: 'multi secret',
          audience: ['orders-api', 'billing-api'],
          claims: { realm_access: { roles: ['admin'] } },
        },
      ],
    });
  });
  afterAll(() => idp.close());

  const config = (clientId: string, clientAuth: ClientAuth): Promise<ClientConfiguration> =>
    discovery({ issuer: idp.issuer, clientId, clientAuth });
  const auth = (audience = 'test-api') => createAuth({ issuer: idp.issuer, audience });

  test('is advertised by discovery with the authentication methods it takes', async () => {
    const document = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(document).toMatchObject({
      token_endpoint: idp.tokenEndpoint,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    });
  });

  test('grants a token by client_secret_basic that the guard accepts, with the scopes asked for', async () => {
    const token = await clientCredentialsGrant(await config('reports', clientSecretBasic('reports secret')), {
      scopes: ['reports:read'],
    });
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, scopes: ['reports:read'] });
    const verified = await auth().verify(token.token);
    expect(verified).toMatchObject({ clientId: 'reports', scopes: ['reports:read'] });
    expect(verified.payload).toMatchObject({ aud: 'test-api', azp: 'reports', iss: idp.issuer });
  });

  test('grants by client_secret_post, and profile email when no scope is asked for', async () => {
    const token = await clientCredentialsGrant(await config('reports', clientSecretPost('reports secret')));
    expect((await auth().verify(token.token)).scopes).toEqual(['profile', 'email']);
  });

  test('serves the default client test_api_client with its documented development secret', async () => {
    const defaults = await startFakeProvider();
    try {
      const configuration = await discovery({
        issuer: defaults.issuer,
        clientId: 'test_api_client',
        clientAuth: clientSecretBasic('test_api_client_dev_secret'),
      });
      const token = await clientCredentialsGrant(configuration, { scopes: ['test_api_access'] });
      const admitted = await createAuth({ issuer: defaults.issuer, audience: 'test-api' }).verify(token.token);
      expect(admitted.clientId).toBe('test_api_client');
    } finally {
      await defaults.close();
    }
  });

  test.each([
    ['a wrong secret by Basic', 'reports', clientSecretBasic('not the secret')],
    ['a wrong secret by post', 'reports', clientSecretPost('not the secret')],
    ['an unknown client', 'nobody', clientSecretBasic('reports secret')],
    ['a secret for a client registered with a key only', 'rsa-signer', clientSecretPost('anything')],
  ])('refuses %s with 401 invalid_client', async (_case, clientId, clientAuth) => {
    await expect(clientCredentialsGrant(await config(clientId, clientAuth))).rejects.toMatchObject({
      code: 'ERR_OAUTH',
      error: 'invalid_client',
      status: 401,
    });
  });

  test('refuses a scope the client may not ask for with invalid_scope', async () => {
    const configuration = await config('reports', clientSecretBasic('reports secret'));
    await expect(clientCredentialsGrant(configuration, { scopes: ['reports:write'] })).rejects.toMatchObject({
      error: 'invalid_scope',
      status: 400,
    });
  });

  test.each([
    ['a PEM key object (RS256)', 'rsa-signer', rsa.privateKey],
    ['a key registered as a JWK (ES256)', 'ec-signer', ec.privateKey],
  ])('grants by private_key_jwt with %s', async (_case, clientId, key) => {
    const token = await clientCredentialsGrant(await config(clientId, privateKeyJwt(key)));
    expect((await auth().verify(token.token)).clientId).toBe(clientId);
  });

  test('refuses a client assertion signed by a key the client did not register', async () => {
    await expect(
      clientCredentialsGrant(await config('ec-signer', privateKeyJwt(stranger.privateKey))),
    ).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  test('refuses a client assertion used twice', async () => {
    let kept: [string, string][] | undefined;
    const replaying: ClientAuth = async (context, body, headers) => {
      if (kept === undefined) {
        await privateKeyJwt(rsa.privateKey)(context, body, headers);
        kept = [...body].filter(([name]) => name.startsWith('client_'));
      }
      for (const [name, value] of kept) body.set(name, value);
    };
    const configuration = await config('rsa-signer', replaying);
    await clientCredentialsGrant(configuration);
    await expect(clientCredentialsGrant(configuration)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  test("gives the client's audiences and claims, or the one audience asked for", async () => {
    const secret = clientSecretBasic('multi secret');
    const both = await clientCredentialsGrant(await config('multi', secret));
    expect((await auth('orders-api').verify(both.token)).payload.aud).toEqual(['orders-api', 'billing-api']);
    expect((await auth('orders-api').verify(both.token)).roles).toEqual(['admin']);
    const one = await clientCredentialsGrant(await config('multi', withParameter(secret, 'audience', 'billing-api')));
    expect((await auth('billing-api').verify(one.token)).payload.aud).toBe('billing-api');
    await expect(auth('orders-api').verify(one.token)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(
      clientCredentialsGrant(await config('multi', withParameter(secret, 'audience', 'hr-api'))),
    ).rejects.toMatchObject({ error: 'invalid_target' });
  });

  test('answers other grant types, a GET and two authentication methods at once as RFC 6749 says', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(idp.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      }).then(async (r) => ({ status: r.status, cacheControl: r.headers.get('cache-control'), body: await r.json() }));
    const basic = `Basic ${Buffer.from('reports:reports%20secret').toString('base64')}`;
    await expect(post('grant_type=password', { authorization: basic })).resolves.toEqual({
      status: 400,
      cacheControl: 'no-store',
      body: { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' },
    });
    await expect(
      post('grant_type=client_credentials&client_id=reports&client_secret=x', { authorization: basic }),
    ).resolves.toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    await expect(post('grant_type=client_credentials', { authorization: 'Basic !!' })).resolves.toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect((await fetch(idp.tokenEndpoint)).status).toBe(405);
  });

  test('serves a client made of createTokenSource and createBearerAxios against an API guarded by createAuth', async () => {
    const app = express();
    app.get('/reports', auth().requireAuth('reports:read'), (req, res) => {
      res.json({ client: req.auth?.clientId });
    });
    const listening = await listenOnLoopback(createServer(app));
    try {
      const source = createTokenSource(await config('reports', clientSecretBasic('reports secret')), {
        scopes: ['reports:read'],
      });
      const api = createBearerAxios(source, { baseURL: listening.origin });
      await expect(api.get('/reports')).resolves.toMatchObject({ status: 200, data: { client: 'reports' } });
    } finally {
      await listening.close();
    }
  });
});
