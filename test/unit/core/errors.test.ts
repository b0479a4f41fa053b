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
    [new MissingCredentialsError(), 'MissingCredentialsError', 'unauthorized', 401],
    [new InvalidRequestError('x'), 'InvalidRequestError', 'invalid_request', 400],
    [new InvalidTokenError('x'), 'InvalidTokenError', 'invalid_token', 401],
    [new InsufficientScopeError('x'), 'InsufficientScopeError', 'insufficient_scope', 403],
    [new ProviderUnavailableError('x', 3), 'ProviderUnavailableError', 'temporarily_unavailable', 503],
  ])('%s has its name, RFC 6750 code and status', (error, name, code, status) => {
    expect(error).toBeInstanceOf(AuthError);
    expect(isAuthError(error)).toBe(true);
    expect({ name: error.name, code: error.code, status: error.status }).toEqual({ name, code, status });
  });

  test('rounds Retry-After up to whole seconds, at least 1', () => {
    expect(new ProviderUnavailableError('x', 2.1).retryAfter).toBe(3);
    expect(new ProviderUnavailableError('x', 0).retryAfter).toBe(1);
  });

  test('keeps the cause of a 503', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new ProviderUnavailableError('x', 1, { cause }).cause).toBe(cause);
  });

  test('isAuthError is false for other errors', () => {
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(isAuthError({ code: 'invalid_token', status: 401 })).toBe(false);
  });
});
