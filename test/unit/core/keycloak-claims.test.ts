import { describe, expect, test } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { InvalidTokenError } from '../../../src/core/errors.js';
import { clientRolesOf, realmRolesOf, scopesOf } from '../../../src/core/keycloak-claims.js';

describe('scopesOf', () => {
  test('splits a space-delimited scope string', () => {
    expect(scopesOf({ scope: 'openid  profile email test_api_access' })).toEqual([
      'openid',
      'profile',
      'email',
      'test_api_access',
    ]);
  });

  test('reads an array in scope or scp', () => {
    expect(scopesOf({ scope: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(scopesOf({ scp: ['c'] })).toEqual(['c']);
  });

  test('is empty without scope', () => {
    expect(scopesOf({})).toEqual([]);
    expect(scopesOf({ scope: '' })).toEqual([]);
  });

  test('refuses a scope claim of another type', () => {
    let error: unknown;
    try {
      scopesOf({ scope: 42 } as JWTPayload);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', message: '"scope" claim must be a space-delimited string' });
  });
});

describe('realmRolesOf', () => {
  test('reads realm_access.roles', () => {
    expect(realmRolesOf({ realm_access: { roles: ['admin', 'user'] } })).toEqual(['admin', 'user']);
  });

  test.each([
    ['no realm_access', {}],
    ['realm_access null', { realm_access: null }],
    ['roles not an array', { realm_access: { roles: 'admin' } }],
    ['roles with a non-string', { realm_access: { roles: ['admin', 1] } }],
  ])('counts %s as no roles', (_what, payload) => {
    expect(realmRolesOf(payload as JWTPayload)).toEqual([]);
  });
});

describe('clientRolesOf', () => {
  test('reads resource_access roles per client, client ids with dots as keys', () => {
    const roles = clientRolesOf({
      resource_access: {
        'my.api.client': { roles: ['reader'] },
        account: { roles: ['view-profile'] },
        broken: { roles: 'x' },
      },
    });
    expect({ ...roles }).toEqual({ 'my.api.client': ['reader'], account: ['view-profile'] });
  });

  test('treats __proto__ and constructor as plain client names', () => {
    const roles = clientRolesOf(
      JSON.parse('{"resource_access":{"__proto__":{"roles":["evil"]},"constructor":{"roles":["c"]}}}') as JWTPayload,
    );
    expect(Object.getPrototypeOf(roles)).toBeNull();
    expect(roles['__proto__']).toEqual(['evil']);
    expect(roles['constructor']).toEqual(['c']);
    expect(({} as Record<string, unknown>)['evil']).toBeUndefined();
  });

  test('is empty when resource_access is not an object', () => {
    expect(Object.keys(clientRolesOf({ resource_access: ['x'] }))).toEqual([]);
    expect(Object.keys(clientRolesOf({}))).toEqual([]);
  });
});
