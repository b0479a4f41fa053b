import { describe, expect, test } from '@jest/globals';
import {
  checkList,
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

  test.each<[unknown, string]>([
    [undefined, '"scopes" must be a string or an array of strings, not undefined'],
    [null, '"scopes" must be a string or an array of strings, not null'],
    [5, '"scopes" must be a string or an array of strings, not the number 5'],
    [{ method: 'GET', headers: {}, url: '/' }, '"scopes" must be a string or an array of strings, not an object'],
    [new Set(['a']), '"scopes" must be a string or an array of strings, not an object'],
    [[], '"scopes" is an empty array: name at least one'],
    ['', '"scopes" must hold non-empty strings, not the string ""'],
    [['ok', ''], '"scopes" must hold non-empty strings, not the string ""'],
    [['ok', 7], '"scopes" must hold non-empty strings, not the number 7'],
    [['ok', null], '"scopes" must hold non-empty strings, not null'],
    ['read write', '"scopes" holds "read write", which has a space: give several as an array, as ["read","write"]'],
    [['a', ' b\t'], '"scopes" holds " b\\t", which has a space: give several as an array, as ["b"]'],
  ])('refuses the scope list %p at construction with a TypeError saying what to fix', (scopes, message) => {
    expect(() => requireScopes(scopes as string[])).toThrow(new TypeError(message));
  });

  test.each(['say"hi', 'back\\slash', 'café', '\u201cadmin\u201d', 'nul\u0000'])(
    'refuses %p, which no token can carry as a scope (RFC 6749 §3.3)',
    (scope) => {
      expect(() => requireScopes(scope)).toThrow(
        new TypeError(
          `"scopes" holds ${JSON.stringify(scope)}, which no token can carry: a scope is printable ASCII without space, " or \\`,
        ),
      );
    },
  );

  test('accepts every scope RFC 6749 allows, URIs and punctuation included', () => {
    const scopes = ['api://billing/.default', 'urn:x:read', '!#$%&()*+,-./:;<=>?@[]^_`{|}~'];
    expect(() => requireScopes(scopes)(token({ scopes }))).not.toThrow();
  });

  test('cuts a long string short in its message', () => {
    expect(() => checkList(['w'.repeat(50)], 'optionalAuth')).toThrow(
      new TypeError(
        `"optionalAuth" takes further checks as functions (such as requireRealmRoles("admin")), not the string "${'w'.repeat(40)}…"`,
      ),
    );
  });

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
    expect(() => requireRealmRoles([])).toThrow(new TypeError('"roles" is an empty array: name at least one'));
    expect(() => requireRealmRoles(undefined as unknown as string)).toThrow(
      new TypeError('"roles" must be a string or an array of strings, not undefined'),
    );
    expect(() => requireClientRoles('my.api', [''])).toThrow(
      new TypeError('"roles" must hold non-empty strings, not the string ""'),
    );
  });

  test('accepts role names outside the scope alphabet: roles never travel in a challenge', () => {
    expect(() => requireRealmRoles('café')(token({ roles: ['café'] }))).not.toThrow();
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
    expect(() => requireClientRoles('', 'reader')).toThrow(
      new TypeError('"clientId" must be a non-empty string, not the string ""'),
    );
    expect(() => requireClientRoles(5 as unknown as string, 'r')).toThrow(
      new TypeError('"clientId" must be a non-empty string, not the number 5'),
    );
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
      new TypeError('"predicate" must be a function, not the string "x"'),
    );
  });

  test('refuses a description that is not a non-empty string with a TypeError', () => {
    expect(() => requireClaim(() => true, 42 as unknown as string)).toThrow(
      new TypeError('"description" must be a non-empty string, not the number 42'),
    );
    expect(() => requireClaim(() => true, '')).toThrow(
      new TypeError('"description" must be a non-empty string, not the string ""'),
    );
  });

  const asyncPredicate =
    'the "requireClaim" predicate must answer true or false at once, not a promise: check anything asynchronous in the handler';

  test('refuses an async predicate when the check is created', () => {
    expect(() => requireClaim((async () => true) as unknown as () => boolean)).toThrow(new TypeError(asyncPredicate));
  });

  test('a predicate that returns a promise is a programming error (TypeError), and its rejection stays handled', async () => {
    let rejected!: Promise<boolean>;
    const check = requireClaim((() => {
      rejected = Promise.reject(new Error('lookup failed'));
      return rejected;
    }) as unknown as () => boolean);
    expect(() => check(token())).toThrow(new TypeError(asyncPredicate));
    // An unhandled rejection would fail this test when the event loop turns.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(rejected).rejects.toThrow('lookup failed');
  });

  test('a thenable whose then throws still gives the TypeError', () => {
    const thenable = {
      then() {
        throw new Error('odd thenable');
      },
    };
    const check = requireClaim((() => thenable) as unknown as () => boolean);
    expect(() => check(token())).toThrow(new TypeError(asyncPredicate));
  });
});

describe('checkList (the further checks a guard factory takes)', () => {
  test('keeps functions, as a frozen copy', () => {
    const check = requireRealmRoles('user');
    const checks = checkList([check], 'requireAuth');
    expect(checks).toEqual([check]);
    expect(Object.isFrozen(checks)).toBe(true);
  });

  test('says how to give several scopes when a string follows the scopes', () => {
    expect(() => checkList(['write'], 'requireAuth')).toThrow(
      new TypeError(
        '"requireAuth" takes further checks as functions (such as requireRealmRoles("admin")), not the string "write"; give several scopes as one array, as requireAuth(["a", "b"])',
      ),
    );
  });

  test('names what else it was given', () => {
    expect(() => checkList([undefined], 'decorator')).toThrow(
      new TypeError(
        '"decorator" takes further checks as functions (such as requireRealmRoles("admin")), not undefined',
      ),
    );
    expect(() => checkList([['a']], 'requireActiveToken')).toThrow(/not an array$/);
    expect(() => checkList([true], 'requireAuth')).toThrow(/not the boolean true$/);
  });
});
