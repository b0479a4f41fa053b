import { describe, expect, test } from '@jest/globals';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { assertAccessToken } from '../../../../src/core/claims/access-token.js';
import { InvalidTokenError } from '../../../../src/core/errors.js';

function check(header: Record<string, unknown>, payload: Record<string, unknown>): unknown {
  try {
    assertAccessToken({ header: { alg: 'RS256', ...header } as JWTHeaderParameters, payload: payload as JWTPayload });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('assertAccessToken', () => {
  test.each([
    ['Keycloak access token (typ Bearer, header JWT)', { typ: 'JWT' }, { typ: 'Bearer' }],
    ['token without any typ (most OIDC providers)', {}, {}],
    ['RFC 9068 header typ at+jwt', { typ: 'at+jwt' }, {}],
    ['RFC 9068 header typ application/at+jwt', { typ: 'application/at+jwt' }, {}],
    ['header typ in another case (AT+JWT)', { typ: 'AT+JWT' }, {}],
    ['header typ lower-case jwt', { typ: 'jwt' }, { typ: 'Bearer' }],
    ['Keycloak DPoP-bound access token (typ DPoP with cnf.jkt)', { typ: 'JWT' }, { typ: 'DPoP', cnf: { jkt: 'x' } }],
  ])('accepts a %s', (_what, header, payload) => {
    expect(check(header, payload)).toBeUndefined();
  });

  test.each([
    ['ID', 'token is an ID token ("typ" claim is not Bearer); send an access token'],
    ['Refresh', 'token is a refresh token ("typ" claim is not Bearer); send an access token'],
    ['Logout', 'token is not an access token ("typ" claim is not Bearer); send an access token'],
    ['bearer', 'token is not an access token ("typ" claim is not Bearer); send an access token'],
  ])('refuses a Keycloak token whose typ claim is %s', (typ, message) => {
    const error = check({ typ: 'JWT' }, { typ });
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', message });
  });

  test('refuses a typ claim DPoP on a token bound to no key', () => {
    expect(check({ typ: 'JWT' }, { typ: 'DPoP' })).toMatchObject({ reason: 'not_access_token' });
    expect(check({ typ: 'JWT' }, { typ: 'DPoP', cnf: { 'x5t#S256': 'x' } })).toMatchObject({
      reason: 'not_access_token',
    });
  });

  test('refuses a typ claim that is not a string', () => {
    expect(check({}, { typ: 1 })).toMatchObject({
      message: 'token is not an access token ("typ" claim is not Bearer); send an access token',
    });
  });

  test.each(['dpop+jwt', 'logout+jwt', 'JOSE', 'secevent+jwt', ''])('refuses a header typ %p', (typ) => {
    expect(check({ typ }, { typ: 'Bearer' })).toMatchObject({
      code: 'invalid_token',
      message: 'token is not an access token (header "typ" is not JWT or at+jwt)',
    });
  });

  test('refuses a header typ that is not a string', () => {
    expect(check({ typ: ['JWT'] }, {})).toMatchObject({
      message: 'token is not an access token (header "typ" is not JWT or at+jwt)',
    });
  });
});
