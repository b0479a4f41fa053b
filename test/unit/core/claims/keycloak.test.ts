import { describe, expect, test } from '@jest/globals';
import type { JWTPayload } from 'jose';
import { InvalidTokenError } from '../../../../src/core/errors.js';
import { clientRolesOf, realmRolesOf, scopesOf } from '../../../../src/core/claims/keycloak.js';

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

const REALM_SHAPE = '"realm_access" claim must be an object whose "roles" is an array of strings';
const CLIENT_SHAPE = '"resource_access" claim must map client ids to objects whose "roles" is an array of strings';

function refusal(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('realmRolesOf', () => {
  test('reads realm_access.roles', () => {
    expect(realmRolesOf({ realm_access: { roles: ['admin', 'user'] } })).toEqual(['admin', 'user']);
  });

  test('has no roles without realm_access or without its roles, other members left alone', () => {
    expect(realmRolesOf({})).toEqual([]);
    expect(realmRolesOf({ realm_access: { verify_caller: true } })).toEqual([]);
  });

  test.each([
    ['realm_access null', { realm_access: null }],
    ['realm_access a list', { realm_access: ['admin'] }],
    ['roles a string', { realm_access: { roles: 'admin' } }],
    ['roles with a non-string', { realm_access: { roles: ['admin', 1] } }],
    ['roles nested', { realm_access: { roles: [['admin']] } }],
  ])('refuses a malformed token: %s', (_what, payload) => {
    const error = refusal(() => realmRolesOf(payload as JWTPayload));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', message: REALM_SHAPE });
  });
});

describe('clientRolesOf', () => {
  test('reads resource_access roles per client, client ids with dots as keys', () => {
    const roles = clientRolesOf({
      resource_access: {
        'my.api.client': { roles: ['reader'] },
        account: { roles: ['view-profile'] },
        quiet: {},
      },
    });
    expect({ ...roles }).toEqual({ 'my.api.client': ['reader'], account: ['view-profile'], quiet: [] });
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

  test('has no roles without resource_access', () => {
    expect(Object.keys(clientRolesOf({}))).toEqual([]);
  });

  test.each([
    ['resource_access a list', { resource_access: ['x'] }],
    ['resource_access a string', { resource_access: 'account' }],
    ['a client entry null', { resource_access: { account: null } }],
    ["a client's roles a string", { resource_access: { account: { roles: 'x' } } }],
    ["a client's roles with a number", { resource_access: { account: { roles: ['a', 2] } } }],
  ])('refuses a malformed token: %s', (_what, payload) => {
    const error = refusal(() => clientRolesOf(payload as JWTPayload));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', message: CLIENT_SHAPE });
  });
});
