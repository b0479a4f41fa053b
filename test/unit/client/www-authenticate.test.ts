import { describe, expect, it } from '@jest/globals';
import { bearerChallengeError } from '../../../src/client/www-authenticate.js';

describe('www-authenticate', () => {
  it.each<[string, string | undefined]>([
    ['Bearer error="invalid_token"', 'invalid_token'],
    ['Bearer realm="api", error="invalid_token", error_description="the token expired"', 'invalid_token'],
    ['bearer error=invalid_token', 'invalid_token'],
    ['Bearer realm="a, error=\\"invalid_token\\"", error="insufficient_scope"', 'insufficient_scope'],
    ['Bearer error_description="error=invalid_token"', undefined],
    ['Basic realm="x", Bearer realm="api", error="invalid_token"', 'invalid_token'],
    ['Basic error="invalid_token", Bearer realm="api"', undefined],
    ['Bearer realm="api"', undefined],
    ['Bearer', undefined],
    ['', undefined],
    ['DPoP error="invalid_token"', undefined],
  ])('reads the Bearer error of %j as %j', (header, expected) => {
    expect(bearerChallengeError(header)).toBe(expected);
  });
});
