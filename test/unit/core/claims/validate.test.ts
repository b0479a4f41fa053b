import { describe, expect, test } from '@jest/globals';
import type { JWTPayload } from 'jose';
import {
  checkClaims,
  checkClaimTypes,
  clientIdOf,
  refuseSenderConstrained,
  type ClaimRules,
} from '../../../../src/core/claims/validate.js';
import { InvalidTokenError } from '../../../../src/core/errors.js';

const NOW = 1_700_000_000;
const RULES: ClaimRules = {
  now: NOW,
  clockTolerance: 30,
  maxTokenAge: undefined,
  audience: ['test-api'],
  allowedClients: undefined,
};

function check(payload: Record<string, unknown>, rules: Partial<ClaimRules> = {}): unknown {
  try {
    checkClaims({ aud: 'test-api', exp: NOW + 60, iat: NOW - 10, ...payload } as JWTPayload, { ...RULES, ...rules });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('checkClaims', () => {
  test('accepts a token within its lifetime for our audience', () => {
    expect(check({})).toBeUndefined();
  });

  describe('exp', () => {
    test('refuses a token without exp', () => {
      const error = check({ exp: undefined });
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).toMatchObject({ code: 'invalid_token', message: 'token has no "exp" claim' });
    });

    test('accepts a token that expired 29 s ago (clock tolerance 30 s)', () => {
      expect(check({ exp: NOW - 29 })).toBeUndefined();
    });

    test('refuses a token that expired exactly 30 s ago (the tolerance boundary)', () => {
      expect(check({ exp: NOW - 30 })).toMatchObject({ code: 'invalid_token', message: 'token has expired' });
    });

    test('refuses a token that expired 1 s ago with no tolerance', () => {
      expect(check({ exp: NOW - 1 }, { clockTolerance: 0 })).toMatchObject({ message: 'token has expired' });
      expect(check({ exp: NOW }, { clockTolerance: 0 })).toMatchObject({ message: 'token has expired' });
      expect(check({ exp: NOW + 1 }, { clockTolerance: 0 })).toBeUndefined();
    });
  });

  describe('nbf and iat', () => {
    test('accepts nbf and iat 30 s in the future (clock tolerance)', () => {
      expect(check({ nbf: NOW + 30, iat: NOW + 30 })).toBeUndefined();
    });

    test('refuses nbf 31 s in the future', () => {
      expect(check({ nbf: NOW + 31 })).toMatchObject({
        code: 'invalid_token',
        message: 'token is not valid yet ("nbf" is in the future)',
      });
    });

    test('refuses iat 31 s in the future', () => {
      expect(check({ iat: NOW + 31 })).toMatchObject({
        code: 'invalid_token',
        message: 'token was issued in the future ("iat")',
      });
    });

    test('accepts a token without nbf and iat', () => {
      expect(check({ iat: undefined })).toBeUndefined();
    });
  });

  test.each([
    ['exp', '1700000060'],
    ['nbf', String(NOW)],
    ['iat', String(NOW)],
    ['exp', null],
    ['iat', Number.NaN],
    ['nbf', { value: NOW }],
  ])('refuses a %s claim that is not a number (%p)', (claim, value) => {
    expect(check({ [claim]: value })).toMatchObject({
      code: 'invalid_token',
      message: `"${claim}" claim must be a number`,
    });
  });

  describe('maximum token age', () => {
    test('accepts a token younger than the maximum age', () => {
      expect(check({ iat: NOW - 60 }, { maxTokenAge: 60 })).toBeUndefined();
    });

    test('refuses a token older than the maximum age plus tolerance', () => {
      expect(check({ iat: NOW - 91 }, { maxTokenAge: 60 })).toMatchObject({
        message: 'token is too old ("iat" is too far in the past)',
      });
    });

    test('refuses a token without iat when a maximum age is set', () => {
      expect(check({ iat: undefined }, { maxTokenAge: 60 })).toMatchObject({
        message: 'token has no "iat" claim, so its age cannot be checked',
      });
    });
  });

  describe('aud', () => {
    test('refuses a token without aud, naming the audience mapper to add', () => {
      expect(check({ aud: undefined })).toMatchObject({
        code: 'invalid_token',
        message: 'token has no "aud" claim; add an Audience mapper for "test-api" to the client',
      });
    });

    test('refuses a token for another audience', () => {
      expect(check({ aud: 'account' })).toMatchObject({
        message: 'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
      });
    });

    test('refuses an aud array without ours', () => {
      expect(check({ aud: ['account', 'other-api'] })).toMatchObject({
        message: 'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
      });
    });

    test('accepts an aud array holding ours', () => {
      expect(check({ aud: ['account', 'test-api'] })).toBeUndefined();
    });

    test('does not match audiences by prefix or case', () => {
      expect(check({ aud: 'test-api-2' })).toBeInstanceOf(InvalidTokenError);
      expect(check({ aud: 'Test-Api' })).toBeInstanceOf(InvalidTokenError);
    });

    test('accepts any one of several configured audiences', () => {
      expect(check({ aud: 'b' }, { audience: ['a', 'b'] })).toBeUndefined();
      expect(check({ aud: 'c' }, { audience: ['a', 'b'] })).toMatchObject({
        message: 'token "aud" does not include "a" or "b"; add an Audience mapper for it to the client',
      });
    });

    test('refuses an aud holding a non-string', () => {
      expect(check({ aud: ['test-api', 3] })).toMatchObject({
        message: '"aud" claim must be a string or an array of strings',
      });
    });

    test('skips the audience check only when it is turned off', () => {
      expect(check({ aud: undefined }, { audience: false })).toBeUndefined();
      expect(check({ aud: 'account' }, { audience: false })).toBeUndefined();
    });
  });

  describe('allowed clients', () => {
    const allowedClients = new Set(['test_api_client', 'svc.with.dots']);

    test('accepts a token whose azp is allowed', () => {
      expect(check({ azp: 'svc.with.dots' }, { allowedClients })).toBeUndefined();
    });

    test('accepts a token whose client_id is allowed when there is no azp', () => {
      expect(check({ client_id: 'test_api_client' }, { allowedClients })).toBeUndefined();
    });

    test('refuses a token of another client', () => {
      expect(check({ azp: 'intruder' }, { allowedClients })).toMatchObject({
        code: 'invalid_token',
        message: 'token was issued to a client that is not allowed ("azp")',
      });
    });

    test('refuses a token naming no client', () => {
      expect(check({}, { allowedClients })).toMatchObject({
        message: 'token was issued to a client that is not allowed ("azp")',
      });
    });
  });
});

describe('clientIdOf', () => {
  test('is azp when present', () => {
    expect(clientIdOf({ azp: 'a', client_id: 'b' })).toBe('a');
  });

  test('is client_id when there is no azp (RFC 9068)', () => {
    expect(clientIdOf({ client_id: 'b' })).toBe('b');
  });

  test('is undefined when neither is a string', () => {
    expect(clientIdOf({})).toBeUndefined();
    expect(clientIdOf({ azp: 5 })).toBeUndefined();
  });
});

describe('checkClaimTypes', () => {
  function refusal(claims: Record<string, unknown>): unknown {
    try {
      checkClaimTypes(claims);
    } catch (error) {
      return error;
    }
    return undefined;
  }

  test("accepts a Keycloak access token's claims", () => {
    expect(
      refusal({
        sub: 'f3b1c2',
        jti: 'onrtro:1',
        typ: 'Bearer',
        azp: 'test_api_client',
        client_id: 'test_api_client',
        sid: 's-1',
        acr: '1',
        auth_time: NOW,
        preferred_username: 'service-account-test_api_client',
        aud: ['test-api', 'account'],
        scope: 'profile email',
      }),
    ).toBeUndefined();
    expect(refusal({})).toBeUndefined();
  });

  test.each([
    ['sub', 1],
    ['sub', { $ne: null }],
    ['sub', null],
    ['jti', true],
    ['client_id', ['x']],
    ['azp', 5],
    ['typ', ['Bearer']],
    ['sid', 7],
    ['acr', 1],
    ['preferred_username', { admin: true }],
  ])('refuses a %s claim that is not a string (%p)', (claim, value) => {
    const error = refusal({ [claim]: value });
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'invalid_token', message: `"${claim}" claim must be a string` });
  });

  test.each([['1700000000'], [Number.POSITIVE_INFINITY], [null]])(
    'refuses an auth_time that is not a finite number (%p)',
    (value) => {
      expect(refusal({ auth_time: value })).toMatchObject({ message: '"auth_time" claim must be a number' });
    },
  );

  test('refuses an aud of another type even when the audience check is off', () => {
    expect(refusal({ aud: 5 })).toMatchObject({ message: '"aud" claim must be a string or an array of strings' });
    expect(refusal({ aud: ['test-api', {}] })).toMatchObject({
      message: '"aud" claim must be a string or an array of strings',
    });
  });

  test.each([
    ['a method it does not know', { kid: 'k1' }],
    ['a known method beside an unknown one', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I', kid: 'k1' }],
    ['a jkt that is not a string', { jkt: 5 }],
    ['an empty x5t#S256', { 'x5t#S256': '' }],
    ['an empty object', {}],
  ])('refuses a token confirmed by what the guard cannot verify: cnf with %s', (_what, cnf) => {
    expect(refusal({ cnf })).toMatchObject({
      code: 'invalid_token',
      reason: 'sender_constrained',
      message:
        'token is sender-constrained ("cnf") by a method this guard cannot verify (only DPoP "jkt" and mTLS "x5t#S256")',
    });
  });

  test.each([
    ['DPoP (jkt)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
    ['mTLS (x5t#S256)', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }],
  ])('lets a token bound by %s through to the binding check of the guard', (_what, cnf) => {
    expect(() => checkClaimTypes({ cnf })).not.toThrow();
  });
});

describe('refuseSenderConstrained', () => {
  test("leaves a verifiable binding to the guard beside a member that is no method (Keycloak's kc-jkt-type)", () => {
    expect(() => refuseSenderConstrained({ cnf: { jkt: 'abc', 'kc-jkt-type': 'DPoP' } })).not.toThrow();
  });

  test('refuses a verifiable binding beside a method it cannot verify (jwk, RFC 7800)', () => {
    expect(() => refuseSenderConstrained({ cnf: { jkt: 'abc', jwk: { kty: 'EC' } } })).toThrow(
      expect.objectContaining({ reason: 'sender_constrained' }),
    );
    expect(() => refuseSenderConstrained({ cnf: { 'kc-jkt-type': 'DPoP' } })).toThrow(
      expect.objectContaining({ reason: 'sender_constrained' }),
    );
  });

  test('passes claims without cnf or with a verifiable one, refuses any other cnf', () => {
    expect(() => refuseSenderConstrained({ active: true, scope: 'a' })).not.toThrow();
    expect(() => refuseSenderConstrained({ cnf: { jkt: 'x' } })).not.toThrow();
    expect(() => refuseSenderConstrained({ cnf: 'x' })).toThrow(InvalidTokenError);
  });
});
