import { describe, expect, test } from '@jest/globals';
import { clientSecretBasic } from '../../../src/client/client-auth.js';
import { createConfiguration } from '../../../src/client/configuration.js';
import type { ConfigurationOptions } from '../../../src/client/configuration.js';

const clientAuth = clientSecretBasic('secret');
const base: ConfigurationOptions = {
  issuer: 'https://id.example.com/realms/myorg',
  tokenEndpoint: 'https://id.example.com/realms/myorg/protocol/openid-connect/token',
  clientId: 'test_api_client',
  clientAuth,
};

describe('configuration', () => {
  test('returns a frozen configuration with a 5 s default timeout', () => {
    const config = createConfiguration(base);
    expect(config).toEqual({
      issuer: 'https://id.example.com/realms/myorg',
      tokenEndpoint: 'https://id.example.com/realms/myorg/protocol/openid-connect/token',
      clientId: 'test_api_client',
      clientAuth,
      timeoutMs: 5000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('reads its options once: changing them afterwards changes nothing', () => {
    const options = { ...base, timeoutMs: 1000 };
    const config = createConfiguration(options);
    options.timeoutMs = 9;
    options.clientId = 'someone_else';
    expect(config.timeoutMs).toBe(1000);
    expect(config.clientId).toBe('test_api_client');
  });

  test.each(['http://localhost:8080/realms/myorg', 'http://127.0.0.1:9/x', 'http://[::1]:8080/'])(
    'accepts the loopback http issuer must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set without an opt-in',
    (issuer) => {
      expect(createConfiguration({ ...base, issuer, tokenEndpoint: `${issuer}/token` }).issuer).toBe(issuer);
    },
  );

  test.each([
    'http://127.0.0.1.nip.io/token',
    'http://127.evil.example/token',
    'http://localhost.evil/token',
    'http://kc.localhost/token',
  ])(
    'refuses the http token endpoint must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set: a name that only looks local, and credentials would go in clear',
    (url) => {
      expect(() => createConfiguration({ ...base, tokenEndpoint: url })).toThrow(
        new TypeError(
          '"tokenEndpoint" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
        ),
      );
    },
  );

  test('accepts a non-loopback http URL only with allowInsecureHttp', () => {
    const options = {
      ...base,
      issuer: 'http://keycloak:8080/realms/myorg',
      tokenEndpoint: 'http://keycloak:8080/token',
    };
    expect(() => createConfiguration(options)).toThrow(
      new TypeError(
        '"tokenEndpoint" must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set',
      ),
    );
    expect(createConfiguration({ ...options, allowInsecureHttp: true }).tokenEndpoint).toBe(
      'http://keycloak:8080/token',
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an issuer that is not a URL', { issuer: 'myorg' }, '"issuer" must be a URL'],
    ['an issuer with a query', { issuer: 'https://id.example.com/?realm=x' }, '"issuer" must not contain a query'],
    [
      "an issuer that is its discovery document's URL",
      { issuer: 'https://id.example.com/realms/myorg/.well-known/openid-configuration' },
      '"issuer" must be the issuer itself, without "/.well-known/openid-configuration"',
    ],
    [
      'a revocation endpoint given as a data: URL',
      { revocationEndpoint: 'data:text/plain,x' },
      '"revocationEndpoint" must be an http(s) URL, not "data:"',
    ],
    [
      'a token endpoint that is not http(s)',
      { tokenEndpoint: 'ftp://id.example.com/token' },
      '"tokenEndpoint" must be an http(s) URL, not "ftp:"',
    ],
    [
      'a token endpoint with credentials',
      { tokenEndpoint: 'https://u:p@id.example.com/token' },
      '"tokenEndpoint" must not contain a user name or password',
    ],
    [
      'a token endpoint with a fragment',
      { tokenEndpoint: 'https://id.example.com/token#x' },
      '"tokenEndpoint" must not contain a fragment',
    ],
    ['an empty client id', { clientId: '' }, '"clientId" must be a non-empty string'],
    [
      'a secret instead of a strategy',
      { clientAuth: 'secret' },
      '"clientAuth" must be a client authentication strategy (e.g. clientSecretBasic(secret))',
    ],
    ['a zero timeout', { timeoutMs: 0 }, '"timeoutMs" must be a number from 1 to 600000'],
    ['a string for allowInsecureHttp', { allowInsecureHttp: 'yes' }, '"allowInsecureHttp" must be a boolean'],
  ])('throws a TypeError naming the option for %s', (_title, change, message) => {
    const build = () => createConfiguration({ ...base, ...change } as ConfigurationOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(new TypeError(message));
  });
});

describe('configuration options', () => {
  test('refuses an unknown key, naming the nearest option', () => {
    expect(() => createConfiguration({ ...base, tokenEndpointUrl: 'x' } as ConfigurationOptions)).toThrow(
      new TypeError('unknown option "tokenEndpointUrl"; did you mean "tokenEndpoint"?'),
    );
    expect(() => createConfiguration({ ...base, allowInsecureHTTP: true } as ConfigurationOptions)).toThrow(
      new TypeError('unknown option "allowInsecureHTTP"; did you mean "allowInsecureHttp"?'),
    );
  });
});
