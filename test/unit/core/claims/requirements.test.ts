import { describe, expect, test } from '@jest/globals';
import {
  requireAnyScope,
  requireClaim,
  requireClientRoles,
  requireRealmRoles,
  requireScopes,
  type TokenCheck,
} from '../../../../src/core/claims/requirements.js';
import { InsufficientScopeError } from '../../../../src/core/errors.js';
import type { VerifiedToken } from '../../../../src/core/jwt/verified-token.js';

function token(parts: Partial<VerifiedToken> = {}): VerifiedToken {
  return {
    header: { alg: 'RS256' },
    payload: { sub: 'u', azp: 'test_api_client' },
    token: 'h.p.s',
    issuer: 'https://idp.example/realms/myorg',
    scopes: ['profile', 'email'],
    roles: ['user'],
    clientRoles: { 'my.api': ['reader'] },
    clientId: 'test_api_client',
    ...parts,
  };
}

function refusal(check: TokenCheck, t: VerifiedToken): InsufficientScopeError {
  try {
    check(t);
  } catch (error) {
    expect(error).toBeInstanceOf(InsufficientScopeError);
    return error as InsufficientScopeError;
  }
  throw new Error('expected a refusal');
}

describe('requireScopes', () => {
  test('passes a token holding every scope', () => {
    expect(() => requireScopes(['profile', 'email'])(token())).not.toThrow();
    expect(() => requireScopes('email')(token())).not.toThrow();
  });

  test('refuses a token missing one scope with 403 insufficient_scope naming all needed scopes', () => {
    const error = refusal(requireScopes(['email', 'test_api_access']), token());
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      message: 'token lacks a required scope (needs all of: email test_api_access)',
    });
    expect(error.scopes).toEqual(['email', 'test_api_access']);
  });

  test.each([[[]], [''], ['a b'], [['ok', '']]])(
    'refuses a bad scope list %p at construction with a TypeError',
    (scopes) => {
      expect(() => requireScopes(scopes as string[])).toThrow(
        new TypeError('"scopes" must be a non-empty string or array of strings without spaces'),
      );
    },
  );

  test('copies the scope list: changing it afterwards changes nothing', () => {
    const scopes = ['email'];
    const check = requireScopes(scopes);
    scopes.push('admin');
    expect(() => check(token())).not.toThrow();
  });
});

describe('requireAnyScope', () => {
  test('passes a token holding one of the scopes', () => {
    expect(() => requireAnyScope(['test_api_access', 'email'])(token())).not.toThrow();
  });

  test('refuses a token holding none of them', () => {
    const error = refusal(requireAnyScope(['a', 'b']), token());
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      message: 'token lacks a required scope (needs one of: a b)',
    });
    expect(error.scopes).toEqual(['a', 'b']);
  });
});

describe('requireRealmRoles', () => {
  test('passes a token holding the role', () => {
    expect(() => requireRealmRoles('user')(token())).not.toThrow();
  });

  test('refuses a token lacking a role, naming it, with no scope attribute', () => {
    const error = refusal(requireRealmRoles(['user', 'admin']), token());
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      message: 'token lacks the realm role "admin"',
    });
    expect(error.scopes).toBeUndefined();
  });

  test('refuses a bad role list with a TypeError naming "roles"', () => {
    expect(() => requireRealmRoles([])).toThrow(
      new TypeError('"roles" must be a non-empty string or array of strings without spaces'),
    );
  });
});

describe('requireClientRoles', () => {
  test('passes a token holding the client role of a client id with dots', () => {
    expect(() => requireClientRoles('my.api', 'reader')(token())).not.toThrow();
  });

  test('refuses a token lacking the client role', () => {
    expect(refusal(requireClientRoles('my.api', 'writer'), token())).toMatchObject({
      message: 'token lacks the client role "writer" of client "my.api"',
    });
  });

  test('does not read a dotted client id as a path', () => {
    const nested = token({ clientRoles: { my: ['reader'] } });
    expect(refusal(requireClientRoles('my.api', 'reader'), nested).message).toBe(
      'token lacks the client role "reader" of client "my.api"',
    );
  });

  test('refuses a token whose roles come only from the prototype chain', () => {
    expect(refusal(requireClientRoles('toString', 'x'), token()).code).toBe('insufficient_scope');
  });

  test('refuses an empty client id with a TypeError', () => {
    expect(() => requireClientRoles('', 'reader')).toThrow(new TypeError('"clientId" must be a non-empty string'));
  });
});

describe('requireClaim', () => {
  test('passes when the predicate returns true', () => {
    expect(() => requireClaim((t) => t.payload.sub === 'u')(token())).not.toThrow();
  });

  test('refuses with the given description when it returns false', () => {
    expect(
      refusal(
        requireClaim(() => false, 'only the owner may do this'),
        token(),
      ),
    ).toMatchObject({
      code: 'insufficient_scope',
      message: 'only the owner may do this',
    });
  });

  test('refuses with the default description, and refuses truthy values other than true', () => {
    const check = requireClaim((() => 'yes') as unknown as () => boolean);
    expect(refusal(check, token()).message).toBe('token does not satisfy a required claim check');
  });

  test('refuses, rather than crashing, when the predicate throws', () => {
    const check = requireClaim((t) => (t.payload as { deep: { x: number } }).deep.x === 1);
    expect(refusal(check, token()).code).toBe('insufficient_scope');
  });

  test('refuses a predicate that is not a function with a TypeError', () => {
    expect(() => requireClaim('x' as unknown as () => boolean)).toThrow(
      new TypeError('"predicate" must be a function'),
    );
  });
});
