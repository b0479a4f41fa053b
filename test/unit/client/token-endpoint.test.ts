import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { inspect } from 'node:util';
import { clientSecretBasic, clientSecretPost } from '../../../src/client/client-auth.js';
import type { ClientAuth } from '../../../src/client/client-auth.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import { clientCredentialsGrant } from '../../../src/client/token-endpoint.js';
import type { TestProvider, TokenAnswer } from '../../helpers/token-endpoint-server.js';
import { CLIENT_ID, SECRET, closedPort, configFor, startProvider } from './fixtures.js';

describe('token-endpoint', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.override = undefined;
    provider.tokenRequests.length = 0;
  });

  test('asks for a client_credentials grant with the scopes de-duplicated and sorted in one parameter', async () => {
    const token = await clientCredentialsGrant(configFor(provider), {
      scopes: ['test_api_access', 'email', 'test_api_access'],
    });
    expect(provider.tokenRequests).toHaveLength(1);
    expect(provider.tokenRequests[0]?.form.toString()).toBe(
      'grant_type=client_credentials&scope=email+test_api_access',
    );
    expect(token.scopes).toEqual(['email', 'test_api_access']);
  });

  test('sends no scope parameter when no scope is asked for', async () => {
    await clientCredentialsGrant(configFor(provider));
    expect(provider.tokenRequests[0]?.form.has('scope')).toBe(false);
  });

  test('makes one request per call: reuse is the cache’s job', async () => {
    const config = configFor(provider);
    const first = await clientCredentialsGrant(config);
    const second = await clientCredentialsGrant(config);
    expect(provider.tokenRequests).toHaveLength(2);
    expect(first.token).not.toBe(second.token);
  });

  test('rejects a scope containing a space with a TypeError, before any request', async () => {
    await expect(clientCredentialsGrant(configFor(provider), { scopes: ['a b'] })).rejects.toThrow(
      new TypeError('"scopes" must be an array of scope tokens (no spaces, quotes or backslashes)'),
    );
    expect(provider.tokenRequests).toHaveLength(0);
  });

  test('reports wrong credentials as OAuthError invalid_client from the provider', async () => {
    const config = configFor(provider, clientSecretBasic('wrong secret'));
    await expect(clientCredentialsGrant(config)).rejects.toMatchObject({
      code: 'ERR_OAUTH',
      error: 'invalid_client',
      status: 401,
      message:
        'the token endpoint refused the request with "invalid_client": Invalid client or Invalid client credentials',
    });
  });

  describe('never puts the secret in an error', () => {
    const form = (v: string) => new URLSearchParams([['', v]]).toString().slice(1);
    const basicCredentials = Buffer.from(`${form(CLIENT_ID)}:${form(SECRET)}`).toString('base64');
    const failures: [
      string,
      (p: TestProvider) => Promise<{ url: string; answer?: TokenAnswer; timeoutMs?: number }>,
    ][] = [
      [
        'an OAuth error',
        async (p) => ({ url: p.tokenEndpoint, answer: { status: 401, body: '{"error":"invalid_client"}' } }),
      ],
      ['a 5xx', async (p) => ({ url: p.tokenEndpoint, answer: { status: 502, body: 'bad gateway' } })],
      ['a non-JSON answer', async (p) => ({ url: p.tokenEndpoint, answer: { status: 200, body: 'hello' } })],
      ['an unreachable port', async () => ({ url: `http://127.0.0.1:${await closedPort()}/token` })],
      ['a timeout', async (p) => ({ url: p.tokenEndpoint, answer: undefined, timeoutMs: 100 })],
    ];
    const strategies: [string, ClientAuth][] = [
      ['client_secret_basic', clientSecretBasic(SECRET)],
      ['client_secret_post', clientSecretPost(SECRET)],
    ];
    for (const [kind, setup] of failures) {
      for (const [method, clientAuth] of strategies) {
        test(`keeps the secret out of the message, properties and cause for ${kind} with ${method}`, async () => {
          const { url, answer, timeoutMs } = await setup(provider);
          if (url === provider.tokenEndpoint) provider.override = () => answer;
          const config = createConfiguration({
            tokenEndpoint: url,
            clientId: CLIENT_ID,
            clientAuth,
            timeoutMs: timeoutMs ?? 2000,
          });
          const error = await clientCredentialsGrant(config).catch((e: unknown) => e);
          expect(error).toHaveProperty('code');
          const everything = `${String(error)} ${inspect(error, { depth: null, showHidden: true })} ${JSON.stringify(error)}`;
          for (const material of [SECRET, form(SECRET), basicCredentials]) {
            expect(everything).not.toContain(material);
          }
        });
      }
    }
  });
});

const offline = () =>
  createConfiguration({
    tokenEndpoint: 'https://id.example.com/realms/myorg/protocol/openid-connect/token',
    clientId: 'test_api_client',
    clientAuth: clientSecretBasic('secret'),
  });

describe('token-endpoint options', () => {
  test('refuses an unknown key before any request, naming the nearest option', async () => {
    await expect(clientCredentialsGrant(offline(), { scope: ['a'] } as never)).rejects.toThrow(
      new TypeError('unknown option "scope"; did you mean "scopes"?'),
    );
  });
});
