import { describe, expect, test } from '@jest/globals';
import { checkUrl, isLoopbackHost, urlForMessages, urlProblem } from '../../../src/shared/url-policy.js';

const STRICT = { allowInsecureHttp: false };
const INSECURE = { allowInsecureHttp: true };
const ISSUER = { allowInsecureHttp: false, issuer: true };
const NOT_LOOPBACK =
  'must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "allowInsecureHttp" is set';

describe('isLoopbackHost', () => {
  test.each(['127.0.0.1', '127.8.0.1', '127.255.255.254', '[::1]', 'localhost'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  test.each([
    '127.0.0.1.nip.io', // a DNS name that merely starts with 127.
    '127.evil.example',
    '127.1', // not a canonical literal: a URL's hostname is always canonical, so never reaches here as is
    '0x7f.1',
    'localhost.evil',
    'kc.localhost', // RFC 6761 asks resolvers to keep it local, but a resolver decides, not the name
    'localhost.',
    '128.0.0.1',
    '126.255.255.255',
    '10.0.0.1',
    '::1', // a URL's hostname keeps the brackets
    '[::2]',
    '',
  ])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('urlProblem', () => {
  test.each([
    'https://sso.example/realms/a',
    'https://sso.example:8443/realms/a?x=1',
    'http://127.0.0.1:8080/realms/a',
    'http://127.8.0.1/realms/a',
    'http://localhost:8080/',
    'http://LOCALHOST/', // parsed to lower case
    'http://[::1]:8080/',
    'http://[0:0:0:0:0:0:0:1]/', // parsed to [::1]
    // URL parsing turns these into 127.0.0.1, the address a fetch of the same URL connects to: really loopback
    'http://127.1/',
    'http://0x7f.1/',
    'http://2130706433/',
  ])('accepts %s', (url) => {
    expect(urlProblem(new URL(url), STRICT)).toBeUndefined();
  });

  test.each([
    ['http://127.0.0.1.nip.io/keys', NOT_LOOPBACK],
    ['http://127.evil.example/keys', NOT_LOOPBACK],
    ['http://localhost.evil/keys', NOT_LOOPBACK],
    ['http://kc.localhost/keys', NOT_LOOPBACK],
    ['http://[::2]/keys', NOT_LOOPBACK],
    ['http://[::ffff:127.0.0.1]/keys', NOT_LOOPBACK],
    ['http://sso.example/keys', NOT_LOOPBACK],
    ['data:application/json,{"keys":[]}', 'must be an http(s) URL, not "data:"'],
    ['file:///etc/passwd', 'must be an http(s) URL, not "file:"'],
    ['ftp://sso.example/keys', 'must be an http(s) URL, not "ftp:"'],
    ['javascript:alert(1)', 'must be an http(s) URL, not "javascript:"'],
    ['https://user:pw@sso.example/keys', 'must not contain a user name or password'],
    ['https://user@sso.example/keys', 'must not contain a user name or password'],
    ['http://user:pw@127.0.0.1/keys', 'must not contain a user name or password'],
    ['https://sso.example/keys#x', 'must not contain a fragment'],
    ['https://sso.example/keys#', 'must not contain a fragment'],
  ])('refuses %s', (url, problem) => {
    expect(urlProblem(new URL(url), STRICT)).toBe(problem);
  });

  test('allowInsecureHttp allows plain http to any host, and nothing else', () => {
    expect(urlProblem(new URL('http://keycloak:8080/realms/a'), INSECURE)).toBeUndefined();
    expect(urlProblem(new URL('data:application/json,{}'), INSECURE)).toBe('must be an http(s) URL, not "data:"');
    expect(urlProblem(new URL('http://u:p@keycloak/'), INSECURE)).toBe('must not contain a user name or password');
  });

  test('names the switch the caller uses for plain http', () => {
    expect(urlProblem(new URL('http://sso.example/'), { ...STRICT, insecureSwitch: '"--allow-insecure-http"' })).toBe(
      'must use https unless its host is loopback (127.0.0.0/8, [::1], localhost) or "--allow-insecure-http" is set',
    );
  });

  test.each([
    ['https://sso.example/realms/a?x=1', 'must not contain a query'],
    ['https://sso.example/realms/a?', 'must not contain a query'],
    [
      'https://sso.example/realms/a/.well-known/openid-configuration',
      'must be the issuer itself, without "/.well-known/openid-configuration"',
    ],
  ])('for an issuer, also refuses %s', (url, problem) => {
    expect(urlProblem(new URL(url), STRICT)).toBeUndefined();
    expect(urlProblem(new URL(url), ISSUER)).toBe(problem);
  });
});

describe('checkUrl', () => {
  test('returns the parsed URL', () => {
    expect(checkUrl('https://sso.example/realms/a', 'issuer', ISSUER).href).toBe('https://sso.example/realms/a');
  });

  test.each([
    [undefined, '"x" must be a URL, got nothing'],
    [42, '"x" must be a URL, got number'],
    [new URL('https://sso.example/'), '"x" must be a URL, got object'],
    ['', '"x" must be a URL'],
    ['sso.example/realms/a', '"x" must be a URL'],
    ['https://admin:hunter2@sso.example/', '"x" must not contain a user name or password'],
    ['http://127.0.0.1.nip.io/', `"x" ${NOT_LOOPBACK}`],
  ])('refuses %p with a TypeError naming the option, never repeating the value', (value, message) => {
    expect(() => checkUrl(value, 'x', STRICT)).toThrow(new TypeError(message));
  });
});

describe('urlForMessages', () => {
  test('keeps scheme, host and path only', () => {
    expect(urlForMessages(new URL('https://u:p@sso.example:8443/keys?k=v#f'))).toBe('https://sso.example:8443/keys');
    expect(urlForMessages(new URL('data:application/json,{"secret":1}'))).toBe('a data: URL');
  });
});
