import { describe, expect, test } from '@jest/globals';
import { ASYMMETRIC_ALGORITHMS } from '../../../src/core/jws/algorithms.js';
import { resolveOptions, type AuthOptions } from '../../../src/core/options.js';

const ISSUER = 'http://localhost:8080/realms/myorg';

function configError(options: unknown): unknown {
  try {
    resolveOptions(options as AuthOptions);
  } catch (error) {
    return error;
  }
  throw new Error('expected a configuration error');
}

describe('resolveOptions', () => {
  test('merges the defaults', () => {
    const resolved = resolveOptions({ issuer: ISSUER, audience: 'test-api' });
    expect(resolved).toMatchObject({
      issuers: [{ issuer: ISSUER, discoveryUrl: ISSUER, jwksUri: undefined }],
      audience: ['test-api'],
      clockTolerance: 30,
      maxTokenAge: undefined,
      allowedClients: undefined,
      requireAccessToken: true,
      maxTokenLength: 16384,
      realm: 'api',
      keys: { maxAge: 600_000, cooldown: 10_000, timeout: 5_000, maxResponseBytes: 524_288 },
    });
    expect([...resolved.algorithms]).toEqual([...ASYMMETRIC_ALGORITHMS]);
    expect(resolved.now).toBe(Date.now);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.keys)).toBe(true);
  });

  test('keeps the issuer exactly, and strips trailing slashes of the discovery URL only', () => {
    const resolved = resolveOptions({
      issuer: { issuer: `${ISSUER}/`, discoveryUrl: 'http://keycloak:8080/realms/myorg/' },
      audience: false,
      allowInsecureHttp: true,
    });
    expect(resolved.issuers[0]).toEqual({
      issuer: `${ISSUER}/`,
      discoveryUrl: 'http://keycloak:8080/realms/myorg',
      jwksUri: undefined,
    });
    expect(resolved.audience).toBe(false);
  });

  test('accepts several issuers, each with its own settings', () => {
    const resolved = resolveOptions({
      issuer: [ISSUER, { issuer: 'https://sso.example/realms/b', jwksUri: 'https://sso.example/keys' }],
      audience: ['a', 'b'],
    });
    expect(resolved.issuers.map((i) => i.issuer)).toEqual([ISSUER, 'https://sso.example/realms/b']);
    expect(resolved.issuers[1]!.jwksUri).toBe('https://sso.example/keys');
  });

  describe('unknown keys', () => {
    test.each([
      [
        'a typo of allowedClients, which would let any client through',
        { allowedClient: ['billing'] },
        'unknown option "allowedClient"; did you mean "allowedClients"?',
      ],
      [
        'a key of an issuer entry',
        { issuer: { issuer: ISSUER, jwksUrl: `${ISSUER}/certs` } },
        'unknown option "issuer.jwksUrl"; did you mean "issuer.jwksUri"?',
      ],
      [
        'a key of an issuer entry in a list',
        { issuer: [ISSUER, { issuer: 'http://localhost:8080/realms/b', discoveryURL: ISSUER }] },
        'unknown option "issuer.discoveryURL"; did you mean "issuer.discoveryUrl"?',
      ],
      ['a key of keys', { keys: { coolDown: 1000 } }, 'unknown option "keys.coolDown"; did you mean "keys.cooldown"?'],
      [
        'a key of cache',
        { cache: { maxEntry: 10 } },
        'unknown option "cache.maxEntry"; did you mean "cache.maxEntries"?',
      ],
    ])('refuses %s, naming the nearest option', (_what, overrides, message) => {
      const error = configError({ issuer: ISSUER, audience: 'test-api', ...overrides });
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ message });
    });

    test('refuses keys or cache that are not objects', () => {
      expect(configError({ issuer: ISSUER, audience: 'test-api', keys: 'fast' })).toMatchObject({
        message: '"keys" must be an object',
      });
      expect(configError({ issuer: ISSUER, audience: 'test-api', cache: [] })).toMatchObject({
        message: '"cache" must be an object',
      });
    });

    test("takes an adapter's longer list of keys", () => {
      const known = { issuer: true, audience: true, passErrors: true } as const;
      expect(resolveOptions({ issuer: ISSUER, audience: 'x', passErrors: true } as AuthOptions, known).realm).toBe(
        'api',
      );
    });
  });

  test('reads options once: changing the object afterwards changes nothing', () => {
    const issuers = [ISSUER];
    const audience = ['test-api'];
    const algorithms: Array<(typeof ASYMMETRIC_ALGORITHMS)[number]> = ['RS256'];
    const keys = { cooldown: 1000 };
    const allowedClients = ['a'];
    const options = { issuer: issuers, audience, algorithms, keys, allowedClients, clockTolerance: 5 };
    const resolved = resolveOptions(options);
    issuers.push('https://evil.example/realms/x');
    audience.push('other');
    algorithms.push('ES256');
    keys.cooldown = 1;
    allowedClients.push('b');
    options.clockTolerance = 500;
    expect(resolved.issuers).toHaveLength(1);
    expect(resolved.audience).toEqual(['test-api']);
    expect([...resolved.algorithms]).toEqual(['RS256']);
    expect(resolved.keys.cooldown).toBe(1000);
    expect([...resolved.allowedClients!]).toEqual(['a']);
    expect(resolved.clockTolerance).toBe(5);
  });

  const mistakes: Array<[string, unknown, string]> = [
    ['options that are not an object', undefined, 'options must be an object'],
    ['no issuer', { audience: 'a' }, '"issuer" is required'],
    ['an empty issuer list', { issuer: [], audience: 'a' }, '"issuer" must name at least one issuer'],
    ['an issuer that is not a URL', { issuer: 'myorg', audience: 'a' }, '"issuer" must be a URL'],
    ['an empty issuer', { issuer: '', audience: 'a' }, '"issuer" must be a URL'],
    [
      'an issuer of another protocol',
      { issuer: 'ftp://idp/realms/a', audience: 'a' },
      '"issuer" must be an http(s) URL, not "ftp:"',
    ],
    [
      'an http issuer on a non-loopback host',
      { issuer: 'http://keycloak:8080/realms/a', audience: 'a' },
      '"issuer" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
    ],
    [
      'an issuer with a user name and password',
      { issuer: 'https://admin:hunter2@sso.example/realms/a', audience: 'a' },
      '"issuer" must not contain a user name or password',
    ],
    [
      'an issuer with a query',
      { issuer: 'https://sso.example/realms/a?x=1', audience: 'a' },
      '"issuer" must not contain a query',
    ],
    [
      'an issuer with an empty query',
      { issuer: 'https://sso.example/realms/a?', audience: 'a' },
      '"issuer" must not contain a query',
    ],
    [
      'an issuer with a fragment',
      { issuer: 'https://sso.example/realms/a#x', audience: 'a' },
      '"issuer" must not contain a fragment',
    ],
    [
      "an issuer that is its discovery document's URL",
      { issuer: 'https://sso.example/realms/a/.well-known/openid-configuration', audience: 'a' },
      '"issuer" must be the issuer itself, without "/.well-known/openid-configuration"',
    ],
    [
      'a discoveryUrl with a query',
      { issuer: { issuer: ISSUER, discoveryUrl: 'http://localhost:8080/realms/myorg?x' }, audience: 'a' },
      '"discoveryUrl" must not contain a query',
    ],
    [
      'a discoveryUrl with a password',
      { issuer: { issuer: ISSUER, discoveryUrl: 'http://u:hunter2@localhost:8080/realms/myorg' }, audience: 'a' },
      '"discoveryUrl" must not contain a user name or password',
    ],
    [
      'a data: jwksUri',
      { issuer: { issuer: ISSUER, jwksUri: 'data:application/json,{"keys":[]}' }, audience: 'a' },
      '"jwksUri" must be an http(s) URL, not "data:"',
    ],
    [
      'a jwksUri on 127.0.0.1.nip.io',
      { issuer: { issuer: ISSUER, jwksUri: 'http://127.0.0.1.nip.io/keys' }, audience: 'a' },
      '"jwksUri" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
    ],
    [
      'a jwksUri with a fragment',
      { issuer: { issuer: ISSUER, jwksUri: 'https://sso.example/keys#k' }, audience: 'a' },
      '"jwksUri" must not contain a fragment',
    ],
    [
      'an issuer object that is null',
      { issuer: [null], audience: 'a' },
      '"issuer" must be a URL or { issuer, discoveryUrl?, jwksUri? }',
    ],
    [
      'a bad discoveryUrl',
      { issuer: { issuer: ISSUER, discoveryUrl: 'nope' }, audience: 'a' },
      '"discoveryUrl" must be a URL',
    ],
    [
      'a bad jwksUri',
      { issuer: { issuer: ISSUER, jwksUri: 42 }, audience: 'a' },
      '"jwksUri" must be a URL, got number',
    ],
    ['the same issuer twice', { issuer: [ISSUER, ISSUER], audience: 'a' }, '"issuer" lists an issuer twice'],
    [
      'no audience',
      { issuer: ISSUER },
      '"audience" is required; pass audience: false to accept any token of the issuer',
    ],
    [
      'an empty audience',
      { issuer: ISSUER, audience: '' },
      '"audience" must be a non-empty string or a non-empty array of them',
    ],
    [
      'audience true',
      { issuer: ISSUER, audience: true },
      '"audience" must be a non-empty string or a non-empty array of them',
    ],
    [
      'an empty algorithm list',
      { issuer: ISSUER, audience: 'a', algorithms: [] },
      '"algorithms" must be a non-empty array',
    ],
    [
      'the none algorithm',
      { issuer: ISSUER, audience: 'a', algorithms: ['none'] },
      `"algorithms" holds unknown or unsafe algorithm "none"; use ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
    ],
    [
      'an HMAC algorithm',
      { issuer: ISSUER, audience: 'a', algorithms: ['RS256', 'HS256'] },
      `"algorithms" holds unknown or unsafe algorithm "HS256"; use ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
    ],
    [
      'a negative clock tolerance',
      { issuer: ISSUER, audience: 'a', clockTolerance: -1 },
      '"clockTolerance" must be a non-negative number',
    ],
    [
      'a zero maximum token age',
      { issuer: ISSUER, audience: 'a', maxTokenAge: 0 },
      '"maxTokenAge" must be a positive number',
    ],
    [
      'a non-numeric maximum token length',
      { issuer: ISSUER, audience: 'a', maxTokenLength: '1' },
      '"maxTokenLength" must be a positive number',
    ],
    ['an empty realm', { issuer: ISSUER, audience: 'a', realm: '' }, '"realm" must be a non-empty string'],
    [
      'a zero key timeout',
      { issuer: ISSUER, audience: 'a', keys: { timeout: 0 } },
      '"keys.timeout" must be a positive number',
    ],
    [
      'an infinite cooldown',
      { issuer: ISSUER, audience: 'a', keys: { cooldown: Infinity } },
      '"keys.cooldown" must be a positive number',
    ],
    [
      'an empty allowedClients',
      { issuer: ISSUER, audience: 'a', allowedClients: [] },
      '"allowedClients" must be a non-empty string or a non-empty array of them',
    ],
    [
      'a negative cache size',
      { issuer: ISSUER, audience: 'a', cache: { maxEntries: -1 } },
      '"cache.maxEntries" must be a non-negative number',
    ],
    [
      'a fractional cache size',
      { issuer: ISSUER, audience: 'a', cache: { maxEntries: 1.5 } },
      '"cache.maxEntries" must be a whole number',
    ],
    [
      'a zero cache byte limit',
      { issuer: ISSUER, audience: 'a', cache: { maxBytes: 0 } },
      '"cache.maxBytes" must be a positive number',
    ],
    ['a now that is not a function', { issuer: ISSUER, audience: 'a', now: 5 }, '"now" must be a function'],
    ['a fetch that is not a function', { issuer: ISSUER, audience: 'a', fetch: 'x' }, '"fetch" must be a function'],
  ];
  test.each(mistakes)('fails at start-up on %s with a TypeError naming the option', (_what, options, message) => {
    const error = configError(options);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('hunter2');
  });

  test.each([
    `${ISSUER}/.well-known/openid-configuration`,
    `${ISSUER}/.well-known/openid-configuration/`,
    `${ISSUER}//.well-known/openid-configuration`,
  ])("takes the discovery document's own URL as discoveryUrl (%s): discovery appends that path itself", (url) => {
    const resolved = resolveOptions({ issuer: { issuer: ISSUER, discoveryUrl: url }, audience: 'a' });
    expect(resolved.issuers[0]!.discoveryUrl).toBe(ISSUER);
  });

  test('keeps allowInsecureHttp for the URLs discovered later', () => {
    expect(resolveOptions({ issuer: ISSUER, audience: 'a' }).allowInsecureHttp).toBe(false);
    expect(resolveOptions({ issuer: ISSUER, audience: 'a', allowInsecureHttp: true }).allowInsecureHttp).toBe(true);
  });

  test.each([
    'http://localhost:8080/realms/a',
    'http://127.0.0.1:8080/realms/a',
    'http://127.8.0.1/realms/a',
    'http://[::1]:8080/realms/a',
    'http://LOCALHOST:8080/realms/a',
  ])('allows http:// on the loopback host %s', (issuer) => {
    expect(resolveOptions({ issuer, audience: 'a' }).issuers[0]!.issuer).toBe(issuer);
  });

  test('allows http:// elsewhere only with allowInsecureHttp', () => {
    expect(
      resolveOptions({ issuer: 'http://keycloak:8080/realms/a', audience: 'a', allowInsecureHttp: true }).issuers,
    ).toHaveLength(1);
  });
});
