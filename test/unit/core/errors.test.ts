import { describe, expect, test } from '@jest/globals';
import {
  AuthError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isAuthError,
  MissingCredentialsError,
  ProviderUnavailableError,
} from '../../../src/core/errors.js';

describe('errors', () => {
  test.each([
    [new MissingCredentialsError(), 'MissingCredentialsError', 'unauthorized', 401, 'missing_credentials'],
    [new InvalidRequestError('x'), 'InvalidRequestError', 'invalid_request', 400, 'invalid_request'],
    [new InvalidTokenError('x', { reason: 'expired' }), 'InvalidTokenError', 'invalid_token', 401, 'expired'],
    [
      new InsufficientScopeError('x', { reason: 'insufficient_role' }),
      'InsufficientScopeError',
      'insufficient_scope',
      403,
      'insufficient_role',
    ],
    [
      new ProviderUnavailableError('x', 3, { reason: 'provider_unavailable' }),
      'ProviderUnavailableError',
      'temporarily_unavailable',
      503,
      'provider_unavailable',
    ],
  ])('%s has its name, RFC 6750 code, status and stable reason', (error, name, code, status, reason) => {
    expect(error).toBeInstanceOf(AuthError);
    expect(isAuthError(error)).toBe(true);
    expect({ name: error.name, code: error.code, status: error.status, reason: error.reason }).toEqual({
      name,
      code,
      status,
      reason,
    });
  });

  test('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(new ProviderUnavailableError('x', 2.1, { reason: 'provider_unavailable' }).retryAfter).toBe(3);
    expect(new ProviderUnavailableError('x', 0, { reason: 'provider_unavailable' }).retryAfter).toBe(1);
  });

  test('keeps the cause of a 503', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new ProviderUnavailableError('x', 1, { reason: 'provider_unavailable', cause }).cause).toBe(cause);
  });

  test('isAuthError is false for other errors', () => {
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(isAuthError({ code: 'invalid_token', status: 401 })).toBe(false);
  });
});
