import { describe, expect, test } from '@jest/globals';
import {
  ClientError,
  OAuthError,
  ProviderUnreachableError,
  TimeoutError,
  UnexpectedResponseError,
} from '../../../src/client/errors.js';

describe('errors', () => {
  it.each<[ClientError, string, string, string]>([
    [
      new OAuthError('invalid_client', 'bad credentials', 401),
      'OAuthError',
      'ERR_OAUTH',
      'the token endpoint refused the request with "invalid_client": bad credentials',
    ],
    [
      new ProviderUnreachableError('http://127.0.0.1:1/t', 'ECONNREFUSED'),
      'ProviderUnreachableError',
      'ERR_PROVIDER_UNREACHABLE',
      'could not reach "http://127.0.0.1:1/t" (ECONNREFUSED)',
    ],
    [
      new ProviderUnreachableError('http://127.0.0.1:1/t', undefined),
      'ProviderUnreachableError',
      'ERR_PROVIDER_UNREACHABLE',
      'could not reach "http://127.0.0.1:1/t"',
    ],
    [
      new TimeoutError('http://127.0.0.1:1/t', 250),
      'TimeoutError',
      'ERR_TIMEOUT',
      'no answer from "http://127.0.0.1:1/t" within 250 ms',
    ],
    [
      new UnexpectedResponseError('the token response is not JSON', 200),
      'UnexpectedResponseError',
      'ERR_UNEXPECTED_RESPONSE',
      'the token response is not JSON',
    ],
  ])('%s has its class name, a stable code and the message', (error, name, code, message) => {
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, message: error.message }).toEqual({ name, code, message });
  });

  test('keeps the cause it is given', () => {
    const cause = new Error('connect ECONNREFUSED');
    expect(new TimeoutError('http://x.test', 1, { cause }).cause).toBe(cause);
  });
});
