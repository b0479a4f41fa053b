import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createPrivateKey } from 'node:crypto';
import { clientSecretBasic, clientSecretPost, privateKeyJwt } from '../../../src/client/client-auth.js';
import type { ClientAuth } from '../../../src/client/client-auth.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import type { ClientConfiguration } from '../../../src/client/configuration.js';
import { discovery } from '../../../src/client/discovery.js';
import { OAuthError, UnexpectedResponseError } from '../../../src/client/errors.js';
import { clientCredentialsGrant } from '../../../src/client/token-endpoint.js';
import { revokeToken } from '../../../src/client/token-revocation.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { CLIENT_ID, SECRET, closedPort, configFor, rsaKeys, startProvider } from './fixtures.js';

describe('token-revocation', () => {
  let provider: TestProvider;
  let config: ClientConfiguration;
  beforeAll(async () => {
    provider = await startProvider();
    config = await discovery({ issuer: provider.issuer, clientId: CLIENT_ID, clientAuth: clientSecretBasic(SECRET) });
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.revocationOverride = undefined;
    provider.revocationRequests.length = 0;
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as Error,
    );

  test("finds the revocation endpoint in the discovery document and revokes the client's own token there", async () => {
    expect(config.revocationEndpoint).toBe(provider.revocationEndpoint);
    const { token } = await clientCredentialsGrant(config);
    await revokeToken(config, token);
    expect(provider.isRevoked(token)).toBe(true);
    expect(provider.revocationRequests).toHaveLength(1);
    expect(provider.revocationRequests[0]?.authMethod).toBe('client_secret_basic');
    expect(provider.revocationRequests[0]?.form.toString()).toBe(new URLSearchParams({ token }).toString());
  });

  test('sends token_type_hint when given', async () => {
    const { token } = await clientCredentialsGrant(config);
    await revokeToken(config, token, { tokenTypeHint: 'access_token' });
    expect(Object.fromEntries(provider.revocationRequests[0]?.form ?? [])).toEqual({
      token,
      token_type_hint: 'access_token',
    });
  });

  it.each<[string, () => ClientAuth, string]>([
    ['client_secret_post', () => clientSecretPost(SECRET), CLIENT_ID],
    [
      'private_key_jwt',
      () => privateKeyJwt(createPrivateKey(rsaKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }))),
      'rsa_jwt_client',
    ],
  ])('authenticates with %s as the rest of the client does', async (method, strategy, clientId) => {
    const own = createConfiguration({
      ...configFor(provider, strategy(), clientId),
      tokenEndpoint: provider.tokenEndpoint,
      revocationEndpoint: provider.revocationEndpoint,
    });
    const { token } = await clientCredentialsGrant(own);
    await revokeToken(own, token);
    expect(provider.revocationRequests[0]?.authMethod).toBe(method);
    expect(provider.isRevoked(token)).toBe(true);
  });

  test('succeeds for a token the provider does not know: RFC 7009 answers 200 either way', async () => {
    await expect(revokeToken(config, 'not-a-token-of-this-provider')).resolves.toBeUndefined();
  });

  test('reports wrong credentials as OAuthError invalid_client from the revocation endpoint', async () => {
    const wrong = { ...config, clientAuth: clientSecretBasic('wrong') };
    const error = await failure(revokeToken(wrong, 'some-token'));
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({
      code: 'ERR_OAUTH',
      error: 'invalid_client',
      status: 401,
      message:
        'the revocation endpoint refused the request with "invalid_client": Invalid client or Invalid client credentials',
    });
  });

  test("refuses another client's token with the provider's unauthorized_client", async () => {
    const other = await discovery({
      issuer: provider.issuer,
      clientId: 'other_client',
      clientAuth: clientSecretBasic('other-secret'),
    });
    const { token } = await clientCredentialsGrant(other);
    await expect(revokeToken(config, token)).rejects.toMatchObject({ error: 'unauthorized_client', status: 400 });
    expect(provider.isRevoked(token)).toBe(false);
  });

  test('reports an unsupported hint as OAuthError unsupported_token_type', async () => {
    await expect(revokeToken(config, 't', { tokenTypeHint: 'id_token' })).rejects.toMatchObject({
      error: 'unsupported_token_type',
    });
  });

  test('reports a 503 (RFC 7009 §2.2.1: retry later) as UnexpectedResponseError with its status', async () => {
    provider.revocationOverride = () => ({ status: 503, body: '', headers: { 'retry-after': '10' } });
    const error = await failure(revokeToken(config, 't'));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({
      status: 503,
      message: `unexpected HTTP status 503 from "${provider.revocationEndpoint}"`,
    });
  });

  test('reports a revocation endpoint that never answers as TimeoutError', async () => {
    provider.revocationOverride = () => undefined;
    const quick = { ...config, timeoutMs: 200 };
    await expect(revokeToken(quick, 't')).rejects.toMatchObject({ code: 'ERR_TIMEOUT', timeoutMs: 200 });
  });

  test('reports an unreachable revocation endpoint as ProviderUnreachableError', async () => {
    const gone = { ...config, revocationEndpoint: `http://127.0.0.1:${await closedPort()}/revoke` };
    await expect(revokeToken(gone, 't')).rejects.toMatchObject({
      code: 'ERR_PROVIDER_UNREACHABLE',
      reason: 'ECONNREFUSED',
    });
  });

  test('never puts the token or the secret in an error message', async () => {
    provider.revocationOverride = () => ({ status: 500, body: '{"error":"server_error"}' });
    const error = await failure(revokeToken(config, 'secret-token-value'));
    expect(error?.message).not.toContain('secret-token-value');
    expect(error?.message).not.toContain(SECRET);
  });

  test('refuses a configuration without a revocation endpoint with a TypeError, before any request', async () => {
    await expect(revokeToken(configFor(provider), 't')).rejects.toThrow(
      new TypeError(
        '"revocationEndpoint" is unknown: the discovery document names none; pass it to createConfiguration',
      ),
    );
    expect(provider.revocationRequests).toHaveLength(0);
  });

  it.each<[string, unknown, object, string]>([
    ['an empty token', '', {}, '"token" must be a non-empty string'],
    [
      'a hint with spaces',
      't',
      { tokenTypeHint: 'access token' },
      '"tokenTypeHint" must be a token type name such as "access_token" or "refresh_token"',
    ],
    ['a clock that is not a function', 't', { now: 5 }, '"now" must be a function'],
  ])('refuses %s with a TypeError', async (_case, token, options, message) => {
    await expect(revokeToken(config, token as string, options)).rejects.toThrow(new TypeError(message));
    expect(provider.revocationRequests).toHaveLength(0);
  });
});

describe('configuration and discovery of the revocation endpoint', () => {
  test('takes an explicit revocation endpoint, validated like the token endpoint', () => {
    const base = { tokenEndpoint: 'https://id.example.com/token', clientId: 'c', clientAuth: clientSecretBasic('s') };
    expect(
      createConfiguration({ ...base, revocationEndpoint: 'https://id.example.com/revoke' }).revocationEndpoint,
    ).toBe('https://id.example.com/revoke');
    expect(() => createConfiguration({ ...base, revocationEndpoint: 'http://id.example.com/revoke' })).toThrow(
      new TypeError(
        '"revocationEndpoint" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
      ),
    );
  });

  test('leaves out a discovered revocation endpoint that is unusable, so tokens can still be had', async () => {
    const provider = await startProvider();
    try {
      provider.metadata['revocation_endpoint'] = 'http://idp.example/revoke';
      const config = await discovery({
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        clientAuth: clientSecretBasic(SECRET),
      });
      expect(config.revocationEndpoint).toBeUndefined();
      expect(config.tokenEndpoint).toBe(provider.tokenEndpoint);
    } finally {
      await provider.close();
    }
  });
});

describe('token-revocation options', () => {
  test('refuses an unknown key before any request, naming the nearest option', async () => {
    const config = createConfiguration({
      tokenEndpoint: 'https://id.example.com/token',
      revocationEndpoint: 'https://id.example.com/revoke',
      clientId: 'c',
      clientAuth: clientSecretBasic('s'),
    });
    await expect(revokeToken(config, 't', { token_type_hint: 'access_token' } as never)).rejects.toThrow(
      new TypeError('unknown option "token_type_hint"; did you mean "tokenTypeHint"?'),
    );
  });
});
