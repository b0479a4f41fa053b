import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { clientSecretBasic } from '../../../src/client/client-auth.js';
import { discovery } from '../../../src/client/discovery.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { CLIENT_ID, SECRET, startProvider } from './fixtures.js';

describe('discovery', () => {
  let provider: TestProvider;
  let original: Record<string, unknown>;
  beforeAll(async () => {
    provider = await startProvider();
    original = { ...provider.metadata };
  });
  afterAll(() => provider.close());
  beforeEach(() => {
    Object.assign(provider.metadata, original);
  });

  const discover = (issuer = provider.issuer) =>
    discovery({ issuer, clientId: CLIENT_ID, clientAuth: clientSecretBasic(SECRET) });

  test("finds the token endpoint in the issuer's discovery document", async () => {
    const config = await discover();
    expect(config.issuer).toBe(provider.issuer);
    expect(config.tokenEndpoint).toBe(provider.tokenEndpoint);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('rejects a document whose issuer is not the one asked for (OIDC Discovery §4.3)', async () => {
    provider.metadata['issuer'] = 'http://elsewhere.example/realms/test';
    await expect(discover()).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
      message: `unexpected "issuer" in the discovery document: expected "${provider.issuer}"`,
    });
  });

  test('rejects a document whose token endpoint is plain http on a non-loopback host', async () => {
    provider.metadata['token_endpoint'] = 'http://keycloak.example/token';
    await expect(discover()).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
      message:
        'unusable discovery document: "token_endpoint" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
    });
  });

  test('rejects a document without a token endpoint', async () => {
    delete provider.metadata['token_endpoint'];
    await expect(discover()).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
      message: 'unusable discovery document: "token_endpoint" must be a URL, got nothing',
    });
  });

  test('reports the HTTP status when there is no discovery document', async () => {
    const issuer = `${provider.origin}/realms/missing`;
    await expect(discover(issuer)).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
      status: 404,
      message: `unexpected HTTP status 404 from "${issuer}/.well-known/openid-configuration"`,
    });
  });

  test('throws a TypeError for an issuer that is not a URL, before any request', async () => {
    await expect(discover('localhost:8080')).rejects.toThrow(
      new TypeError('"issuer" must be an http(s) URL, not "localhost:"'),
    );
  });
});

describe('discovery options', () => {
  test('refuses an unknown key before any request, naming the nearest option', async () => {
    const options = {
      issuer: 'https://id.example.com/realms/myorg',
      clientID: 'c',
      clientAuth: clientSecretBasic('s'),
    };
    await expect(discovery(options as never)).rejects.toThrow(
      new TypeError('unknown option "clientID"; did you mean "clientId"?'),
    );
  });
});
