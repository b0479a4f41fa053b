import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { clientSecretBasic } from '../../../src/client/client-auth.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import { createTokenCache } from '../../../src/client/token-cache.js';
import { createTokenSource } from '../../../src/client/token-source.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { configFor, startProvider } from './fixtures.js';

describe('token-source', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.tokenRequests.length = 0;
  });

  test('shares a given cache with direct cache users of the same configuration and scopes', async () => {
    const cache = createTokenCache();
    const config = configFor(provider);
    const source = createTokenSource(config, { scopes: ['email', 'test_api_access'], cache });
    const token = await source.getToken();
    expect(await cache.get(config, { scopes: ['test_api_access', 'email'] })).toBe(token);
    expect(provider.tokenRequests).toHaveLength(1);
  });

  test('forgets a refused token on invalidate', async () => {
    const source = createTokenSource(configFor(provider));
    const first = await source.getToken();
    source.invalidate(first.token);
    expect((await source.getToken()).token).not.toBe(first.token);
  });

  test('reads its scopes once: changing the array afterwards changes nothing', async () => {
    const scopes = ['email'];
    const source = createTokenSource(configFor(provider), { scopes });
    scopes.push('profile');
    expect((await source.getToken()).scopes).toEqual(['email']);
  });

  test('throws a TypeError for scopes that are not scope tokens', () => {
    expect(() => createTokenSource(configFor(provider), { scopes: ['two words'] })).toThrow(
      new TypeError('"scopes" must be an array of scope tokens (no spaces, quotes or backslashes)'),
    );
  });
});

describe('token-source options', () => {
  test('refuses an unknown key, naming the nearest option', () => {
    const config = createConfiguration({
      tokenEndpoint: 'https://id.example.com/token',
      clientId: 'c',
      clientAuth: clientSecretBasic('s'),
    });
    expect(() => createTokenSource(config, { scope: ['a'] } as never)).toThrow(
      new TypeError('unknown option "scope"; did you mean "scopes"?'),
    );
  });
});
