import { describe, expect, test } from '@jest/globals';
import { buildChallenge, toChallengeValue } from '../../../../src/core/bearer/challenge.js';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
  ProviderUnavailableError,
} from '../../../../src/core/errors.js';

describe('buildChallenge', () => {
  test('is the bare challenge for missing credentials (RFC 6750 §3.1: no error code)', () => {
    expect(buildChallenge(new MissingCredentialsError(), 'myorg')).toBe('Bearer realm="myorg"');
  });

  test('names invalid_request with its description', () => {
    expect(buildChallenge(new InvalidRequestError('more than one "Authorization" header'), 'myorg')).toBe(
      `Bearer realm="myorg", error="invalid_request", error_description="more than one 'Authorization' header"`,
    );
  });

  test('names invalid_token with its description', () => {
    expect(buildChallenge(new InvalidTokenError('token has expired', { reason: 'expired' }), 'api')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="token has expired"',
    );
  });

  test('adds the scopes the route needs to insufficient_scope', () => {
    expect(
      buildChallenge(
        new InsufficientScopeError('needs scopes', {
          reason: 'insufficient_scope',
          scopes: ['test_api_access', 'email'],
        }),
        'myorg',
      ),
    ).toBe(
      'Bearer realm="myorg", error="insufficient_scope", error_description="needs scopes", scope="test_api_access email"',
    );
  });

  test('leaves out the scope attribute when the check is not about scopes', () => {
    expect(
      buildChallenge(
        new InsufficientScopeError('token lacks the realm role "admin"', { reason: 'insufficient_role' }),
        'myorg',
      ),
    ).toBe(`Bearer realm="myorg", error="insufficient_scope", error_description="token lacks the realm role 'admin'"`);
  });

  test('gives no challenge for a 503', () => {
    expect(
      buildChallenge(new ProviderUnavailableError('down', 10, { reason: 'provider_unavailable' }), 'myorg'),
    ).toBeUndefined();
  });

  test('keeps a realm with a quote or a backslash inside its attribute', () => {
    expect(buildChallenge(new MissingCredentialsError(), 'a"b\\c')).toBe(`Bearer realm="a'b/c"`);
  });
});

describe('toChallengeValue', () => {
  test('replaces quotes and backslashes and drops characters outside %x20-7E', () => {
    expect(toChallengeValue('say "hi"\\ \u00e9\n\tend')).toBe("say 'hi'/ end");
  });
});

describe('the resource metadata in every challenge (RFC 9728 §5.1)', () => {
  const context = { realm: 'myorg', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' };

  test('ends the bare challenge of a request without credentials', () => {
    expect(buildChallenge(new MissingCredentialsError(), context)).toBe(
      'Bearer realm="myorg", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
    );
  });

  test('ends an insufficient_scope challenge after its scope', () => {
    expect(
      buildChallenge(new InsufficientScopeError('needs a', { reason: 'insufficient_scope', scopes: ['a'] }), context),
    ).toBe(
      'Bearer realm="myorg", error="insufficient_scope", error_description="needs a", scope="a", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
    );
  });

  test('is left out when no metadata is published', () => {
    expect(buildChallenge(new MissingCredentialsError(), { realm: 'myorg' })).toBe('Bearer realm="myorg"');
  });
});
