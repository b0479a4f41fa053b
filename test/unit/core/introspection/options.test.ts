import { describe, expect, test } from '@jest/globals';
import { resolveIntrospection, type IntrospectionOptions } from '../../../../src/core/introspection/options.js';
import { resolveOptions } from '../../../../src/core/options.js';

const ISSUER = 'http://localhost:8080/realms/myorg';
const OTHER = 'http://localhost:8080/realms/other';
const ONE = resolveOptions({ issuer: ISSUER, audience: 'test-api' });
const TWO = resolveOptions({ issuer: [ISSUER, OTHER], audience: 'test-api' });
const BASE: IntrospectionOptions = { clientId: 'test_api_client', clientSecret: 'secret' };

function configError(options: unknown, resolved = ONE, allowInsecureHttp = false): unknown {
  try {
    resolveIntrospection(options as IntrospectionOptions, resolved, allowInsecureHttp);
  } catch (error) {
    return error;
  }
  throw new Error('expected a configuration error');
}

describe('resolveIntrospection', () => {
  test('merges the defaults: every route, no opaque tokens, 30 s TTL, 10,000 entries, 5 s timeout, 16 MiB, 16 requests in flight, 1 s cooldown', () => {
    const resolved = resolveIntrospection(BASE, ONE, false);
    expect(resolved).toMatchObject({
      issuer: ONE.issuers[0],
      clientId: 'test_api_client',
      endpoint: undefined,
      everyRoute: true,
      acceptOpaqueTokens: false,
      cacheTtl: 30_000,
      maxEntries: 10_000,
      timeout: 5_000,
      maxBytes: 16 * 1024 * 1024,
      maxConcurrent: 16,
      cooldown: 1_000,
    });
    expect(typeof resolved.clientAuth).toBe('function');
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  test('refuses an unknown key, naming the nearest option', () => {
    const error = configError({ ...BASE, acceptOpaqueToken: true });
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({
      message: 'unknown option "introspection.acceptOpaqueToken"; did you mean "introspection.acceptOpaqueTokens"?',
    });
    expect(configError({ ...BASE, client_secret: 's' })).toMatchObject({
      message: 'unknown option "introspection.client_secret"; did you mean "introspection.clientSecret"?',
    });
  });

  test('builds client_secret_basic from the form-encoded id and secret', async () => {
    const { clientAuth } = resolveIntrospection({ clientId: 'my api', clientSecret: 'p@ss:word' }, ONE, false);
    const headers = new Headers();
    const body = new URLSearchParams({ token: 't' });
    await clientAuth(
      { clientId: 'my api', issuer: ISSUER, tokenEndpoint: 'http://localhost/x', now: 0 },
      body,
      headers,
    );
    expect(headers.get('authorization')).toBe(`Basic ${Buffer.from('my+api:p%40ss%3Aword').toString('base64')}`);
    expect(body.toString()).toBe('token=t');
  });

  test('uses a given client authentication strategy as is', () => {
    const clientAuth = () => undefined;
    expect(resolveIntrospection({ clientId: 'c', clientAuth }, ONE, false).clientAuth).toBe(clientAuth);
  });

  test('picks the named issuer among several', () => {
    expect(resolveIntrospection({ ...BASE, issuer: OTHER }, TWO, false).issuer.issuer).toBe(OTHER);
  });

  test('accepts an http:// endpoint on another host only with allowInsecureHttp', () => {
    expect(resolveIntrospection({ ...BASE, endpoint: 'http://keycloak:8080/x' }, ONE, true).endpoint).toBe(
      'http://keycloak:8080/x',
    );
  });

  test('reads the options once: changing them afterwards changes nothing', () => {
    const options = { ...BASE, cacheTtl: 1_000 };
    const resolved = resolveIntrospection(options, ONE, false);
    options.cacheTtl = 99;
    expect(resolved.cacheTtl).toBe(1_000);
  });

  test.each<[string, unknown, string, ...([] | [typeof ONE])]>([
    ['not an object', 'yes', '"introspection" must be an object'],
    ['no client id', { clientSecret: 's' }, '"introspection.clientId" must be a non-empty string'],
    ['an empty client id', { clientId: '', clientSecret: 's' }, '"introspection.clientId" must be a non-empty string'],
    [
      'neither secret nor strategy',
      { clientId: 'c' },
      '"introspection" needs exactly one of "clientSecret" and "clientAuth"',
    ],
    [
      'both secret and strategy',
      { ...BASE, clientAuth: () => undefined },
      '"introspection" needs exactly one of "clientSecret" and "clientAuth"',
    ],
    ['an empty secret', { clientId: 'c', clientSecret: '' }, '"introspection.clientSecret" must be a non-empty string'],
    [
      'a strategy that is not a function',
      { clientId: 'c', clientAuth: 'basic' },
      '"introspection.clientAuth" must be a client authentication strategy (e.g. privateKeyJwt(key))',
    ],
    ['an endpoint that is not a URL', { ...BASE, endpoint: 'introspect' }, '"introspection.endpoint" must be a URL'],
    [
      'an http:// endpoint on another host',
      { ...BASE, endpoint: 'http://keycloak:8080/x' },
      '"introspection.endpoint" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
    ],
    ['a non-boolean everyRoute', { ...BASE, everyRoute: 'no' }, '"introspection.everyRoute" must be a boolean'],
    [
      'a non-boolean acceptOpaqueTokens',
      { ...BASE, acceptOpaqueTokens: 1 },
      '"introspection.acceptOpaqueTokens" must be a boolean',
    ],
    ['a negative cacheTtl', { ...BASE, cacheTtl: -1 }, '"introspection.cacheTtl" must be a non-negative number'],
    ['a fractional maxEntries', { ...BASE, maxEntries: 1.5 }, '"introspection.maxEntries" must be a whole number'],
    ['a zero timeout', { ...BASE, timeout: 0 }, '"introspection.timeout" must be a positive number'],
    ['a zero maxBytes', { ...BASE, maxBytes: 0 }, '"introspection.maxBytes" must be a positive number'],
    ['a zero maxConcurrent', { ...BASE, maxConcurrent: 0 }, '"introspection.maxConcurrent" must be a positive number'],
    [
      'a fractional maxConcurrent',
      { ...BASE, maxConcurrent: 2.5 },
      '"introspection.maxConcurrent" must be a whole number',
    ],
    ['a negative cooldown', { ...BASE, cooldown: -1 }, '"introspection.cooldown" must be a non-negative number'],
    [
      'an issuer that is not configured',
      { ...BASE, issuer: OTHER },
      '"introspection.issuer" must be one of the configured issuers',
    ],
    ['no issuer among several', BASE, '"introspection.issuer" is required when several issuers are configured', TWO],
  ])('refuses %s with a TypeError naming the option', (_case, options, message, resolved = ONE) => {
    const error = configError(options, resolved);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
  });
});
