import { describe, expect, test } from '@jest/globals';
import type { ClaimRules } from '../../../../src/core/claims/validate.js';
import { InvalidTokenError } from '../../../../src/core/errors.js';
import { introspectedToken } from '../../../../src/core/introspection/token.js';

const ISSUER = 'http://localhost:8080/realms/myorg';
const NOW = 1_700_000_000;
const RULES: ClaimRules = {
  now: NOW,
  clockTolerance: 30,
  maxTokenAge: undefined,
  audience: ['test-api'],
  allowedClients: undefined,
};
const CLAIMS = {
  iss: ISSUER,
  aud: ['test-api', 'account'],
  sub: 'service-account-1',
  exp: NOW + 300,
  iat: NOW,
  typ: 'Bearer',
  token_type: 'Bearer',
  azp: 'test_api_client',
  client_id: 'test_api_client',
  scope: 'profile test_api_access',
  realm_access: { roles: ['admin'] },
  resource_access: { 'my.api': { roles: ['reader'] } },
};

function refusal(claims: Record<string, unknown>, rules: Partial<ClaimRules> = {}): unknown {
  try {
    introspectedToken('opaque-1', claims, ISSUER, { ...RULES, ...rules }, true);
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('introspectedToken', () => {
  test('describes an opaque token by the answer: scopes, roles, client, issuer, and a header saying nothing was signed', () => {
    const token = introspectedToken('opaque-1', CLAIMS, ISSUER, RULES, true);
    expect(token).toEqual({
      header: { alg: 'none' },
      payload: CLAIMS,
      token: 'opaque-1',
      issuer: ISSUER,
      scopes: ['profile', 'test_api_access'],
      roles: ['admin'],
      clientRoles: { 'my.api': ['reader'] },
      clientId: 'test_api_client',
    });
    expect(Object.isFrozen(token) && Object.isFrozen(token.scopes)).toBe(true);
  });

  test('takes client_id when there is no azp', () => {
    expect(introspectedToken('o', { ...CLAIMS, azp: undefined }, ISSUER, RULES, true).clientId).toBe('test_api_client');
  });

  test('accepts token_type in any case, and none at all', () => {
    expect(introspectedToken('o', { ...CLAIMS, token_type: 'bearer' }, ISSUER, RULES, true).issuer).toBe(ISSUER);
    expect(introspectedToken('o', { ...CLAIMS, token_type: undefined }, ISSUER, RULES, true).issuer).toBe(ISSUER);
  });

  test('lets a refresh token through only when access tokens are not required', () => {
    expect(introspectedToken('o', { ...CLAIMS, typ: 'Refresh' }, ISSUER, RULES, false).issuer).toBe(ISSUER);
  });

  test.each<[string, Record<string, unknown>, string, Partial<ClaimRules>]>([
    ['no iss', { ...CLAIMS, iss: undefined }, 'introspected token "iss" is not the configured issuer', {}],
    [
      'another iss',
      { ...CLAIMS, iss: 'http://localhost:8080/realms/other' },
      'introspected token "iss" is not the configured issuer',
      {},
    ],
    [
      'a token_type other than Bearer',
      { ...CLAIMS, token_type: 'DPoP' },
      'introspected "token_type" is not Bearer',
      {},
    ],
    ['a token_type that is not a string', { ...CLAIMS, token_type: 1 }, 'introspected "token_type" is not Bearer', {}],
    [
      'Keycloak typ Refresh',
      { ...CLAIMS, typ: 'Refresh' },
      'token is a refresh token ("typ" claim is not Bearer); send an access token',
      {},
    ],
    ['no exp', { ...CLAIMS, exp: undefined }, 'token has no "exp" claim', {}],
    ['an exp long past', { ...CLAIMS, exp: NOW - 60 }, 'token has expired', {}],
    [
      'no aud',
      { ...CLAIMS, aud: undefined },
      'token has no "aud" claim; add an Audience mapper for "test-api" to the client',
      {},
    ],
    [
      'an aud for another API',
      { ...CLAIMS, aud: 'account' },
      'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
      {},
    ],
    ['a sub that is a number', { ...CLAIMS, sub: 1 }, '"sub" claim must be a string', {}],
    ['an azp that is a number', { ...CLAIMS, azp: 5 }, '"azp" claim must be a string', {}],
    [
      'a cnf of a method the guard cannot verify',
      { ...CLAIMS, cnf: { kid: 'k1' } },
      'token is sender-constrained ("cnf") by a method this guard cannot verify (only DPoP "jkt" and mTLS "x5t#S256")',
      {},
    ],
    [
      'realm_access.roles that is not a list',
      { ...CLAIMS, realm_access: { roles: 'admin' } },
      '"realm_access" claim must be an object whose "roles" is an array of strings',
      {},
    ],
    [
      'a client not allowed',
      CLAIMS,
      'token was issued to a client that is not allowed ("azp")',
      { allowedClients: new Set(['other']) },
    ],
  ])('refuses an answer with %s', (_case, claims, message, rules) => {
    const error = refusal(claims, rules);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', status: 401, message });
  });
});
