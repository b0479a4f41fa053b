import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { clientSecretBasic } from '../../../src/client/client-auth.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import { createTokenCache } from '../../../src/client/token-cache.js';
import type { TokenCacheOptions } from '../../../src/client/token-cache.js';
import type { TestProvider } from '../../helpers/token-endpoint-server.js';
import { SECRET, configFor, startProvider } from './fixtures.js';

describe('token-cache', () => {
  let provider: TestProvider;
  let time: number;
  const now = () => time;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  beforeEach(() => {
    time = 1_700_000_000_000;
    provider.expiresIn = 300;
  });
  afterEach(() => {
    provider.override = undefined;
    provider.tokenRequests.length = 0;
  });

  const scopes = ['test_api_access'];

  test('reuses a token until skew seconds before it expires, then asks for a new one', async () => {
    const cache = createTokenCache({ now, skewSeconds: 30 });
    const config = configFor(provider);
    const first = await cache.get(config, { scopes });
    time += 270_000 - 1;
    expect(await cache.get(config, { scopes })).toBe(first);
    expect(provider.tokenRequests).toHaveLength(1);
    time += 1;
    const second = await cache.get(config, { scopes });
    expect(second.token).not.toBe(first.token);
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('refreshes 30 s before expiry by default', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    const first = await cache.get(config);
    time += 269_999;
    expect(await cache.get(config)).toBe(first);
    time += 1;
    expect(await cache.get(config)).not.toBe(first);
  });

  test('caps the skew at half the lifetime, so a short-lived token is still reused', async () => {
    provider.expiresIn = 40;
    const cache = createTokenCache({ now, skewSeconds: 30 });
    const config = configFor(provider);
    const first = await cache.get(config);
    time += 19_999;
    expect(await cache.get(config)).toBe(first);
    time += 1;
    expect(await cache.get(config)).not.toBe(first);
  });

  test('does not reuse a token whose lifetime is unknown', async () => {
    provider.expiresIn = undefined;
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    await cache.get(config);
    await cache.get(config);
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('shares a token between requests for the same scopes in any order', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    const first = await cache.get(config, { scopes: ['test_api_access', 'email'] });
    expect(await cache.get(config, { scopes: ['email', 'test_api_access', 'email'] })).toBe(first);
    expect(provider.tokenRequests).toHaveLength(1);
  });

  test('keeps separate tokens per scopes, per client and per credentials', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    const tokens = [
      await cache.get(config, { scopes: ['email'] }),
      await cache.get(config, { scopes: ['profile'] }),
      await cache.get(configFor(provider, clientSecretBasic('other-secret'), 'other_client'), { scopes: ['email'] }),
      await cache.get(configFor(provider, clientSecretBasic(SECRET)), { scopes: ['email'] }),
    ];
    expect(new Set(tokens.map((t) => t.token)).size).toBe(4);
    expect(provider.tokenRequests).toHaveLength(4);
  });

  test('lets concurrent callers share one in-flight request', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.get(config, { scopes })));
    expect(provider.tokenRequests).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
  });

  test('lets concurrent callers share one failure, and does not cache it', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    provider.override = () => ({ status: 503, body: 'unavailable' });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get(config)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    expect(provider.tokenRequests).toHaveLength(1);
    provider.override = undefined;
    await expect(cache.get(config)).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(provider.tokenRequests).toHaveLength(2);
  });

  test('forgets a token on invalidate, but not a newer one', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    const first = await cache.get(config, { scopes });
    cache.invalidate(config, { scopes }, 'some older token');
    expect(await cache.get(config, { scopes })).toBe(first);
    cache.invalidate(config, { scopes }, first.token);
    const second = await cache.get(config, { scopes });
    expect(second.token).not.toBe(first.token);
    cache.invalidate(config, { scopes }, first.token);
    expect(await cache.get(config, { scopes })).toBe(second);
  });

  test('forgets every token on clear', async () => {
    const cache = createTokenCache({ now });
    const config = configFor(provider);
    const first = await cache.get(config);
    cache.clear();
    expect(await cache.get(config)).not.toBe(first);
  });

  test('reads its options once: changing them afterwards changes nothing', async () => {
    const options: { -readonly [K in keyof TokenCacheOptions]: TokenCacheOptions[K] } = { now, skewSeconds: 30 };
    const cache = createTokenCache(options);
    options.skewSeconds = 0;
    options.now = () => 0;
    const config = configFor(provider);
    const first = await cache.get(config);
    time += 270_000;
    expect(await cache.get(config)).not.toBe(first);
  });

  test.each([
    ['a negative skew', { skewSeconds: -1 }, '"skewSeconds" must be a number from 0 to 86400'],
    ['a NaN skew', { skewSeconds: Number.NaN }, '"skewSeconds" must be a number from 0 to 86400'],
    ['a clock that is not a function', { now: 5 }, '"now" must be a function'],
  ])('throws a TypeError naming the option for %s', (_title, options, message) => {
    expect(() => createTokenCache(options as TokenCacheOptions)).toThrow(new TypeError(message));
  });
});

const offline = () =>
  createConfiguration({
    tokenEndpoint: 'https://id.example.com/realms/myorg/protocol/openid-connect/token',
    clientId: 'test_api_client',
    clientAuth: clientSecretBasic('secret'),
  });

describe('token-cache options', () => {
  test('refuses an unknown key of its options, naming the nearest option', () => {
    expect(() => createTokenCache({ skew: 10 } as TokenCacheOptions)).toThrow(
      new TypeError('unknown option "skew"; did you mean "skewSeconds"?'),
    );
  });

  test('refuses an unknown key of a token request before any request', async () => {
    const cache = createTokenCache();
    await expect(cache.get(offline(), { scope: ['a'] } as never)).rejects.toThrow(
      new TypeError('unknown option "scope"; did you mean "scopes"?'),
    );
    expect(() => cache.invalidate(offline(), { scope: ['a'] } as never, 't')).toThrow(TypeError);
  });
});
