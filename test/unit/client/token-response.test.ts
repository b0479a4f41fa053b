import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { clientCredentialsGrant } from '../../../src/client/token-endpoint.js';
import type { TestProvider, TokenAnswer } from '../../helpers/token-endpoint-server.js';
import { configFor, startProvider } from './fixtures.js';

const json = (status: number, body: unknown): TokenAnswer => ({ status, body: JSON.stringify(body) });
const ok = (fields: Record<string, unknown>) =>
  json(200, { access_token: 'opaque-token', token_type: 'Bearer', expires_in: 60, ...fields });

describe('token-response', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider.close());
  afterEach(() => {
    provider.override = undefined;
  });

  const grant = (answer: TokenAnswer, scopes?: string[]) => {
    provider.override = () => answer;
    return clientCredentialsGrant(configFor(provider), { scopes, now: () => 1_000_000 });
  };

  test('returns the token, its lifetime, its expiry by the given clock and the granted scopes', async () => {
    await expect(grant(ok({ scope: 'email test_api_access' }), ['test_api_access'])).resolves.toEqual({
      token: 'opaque-token',
      tokenType: 'Bearer',
      expiresIn: 60,
      expiresAt: 1_060_000,
      scopes: ['email', 'test_api_access'],
    });
  });

  test('takes the requested scopes when the answer has no scope (RFC 6749 §5.1)', async () => {
    await expect(grant(ok({}), ['test_api_access'])).resolves.toMatchObject({ scopes: ['test_api_access'] });
  });

  test('accepts the token type in any case and an expires_in sent as digits', async () => {
    await expect(grant(ok({ token_type: 'bearer', expires_in: '120' }))).resolves.toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 120,
      expiresAt: 1_120_000,
    });
  });

  test('leaves the expiry unknown when the answer has no expires_in', async () => {
    await expect(grant(ok({ expires_in: undefined }))).resolves.toMatchObject({
      expiresIn: undefined,
      expiresAt: undefined,
    });
  });

  test('turns an OAuth error answer into OAuthError with its description and status', async () => {
    const answer = json(400, { error: 'invalid_scope', error_description: 'Invalid scopes: admin' });
    await expect(grant(answer)).rejects.toMatchObject({
      name: 'OAuthError',
      code: 'ERR_OAUTH',
      error: 'invalid_scope',
      errorDescription: 'Invalid scopes: admin',
      status: 400,
      message: 'the token endpoint refused the request with "invalid_scope": Invalid scopes: admin',
    });
  });

  test('turns an OAuth error without description into OAuthError without description', async () => {
    await expect(grant(json(401, { error: 'invalid_client' }))).rejects.toMatchObject({
      errorDescription: undefined,
      message: 'the token endpoint refused the request with "invalid_client"',
    });
  });

  test('neutralises control characters in provider text, so it cannot drive a terminal', async () => {
    const answer = json(400, { error: 'invalid_request', error_description: 'bad\u001b[2J\nrequest' });
    await expect(grant(answer)).rejects.toMatchObject({ errorDescription: 'bad [2J request' });
  });

  it.each<[string, TokenAnswer, number | undefined, (url: string) => string]>([
    [
      'a 5xx with an HTML body',
      { status: 503, contentType: 'text/html', body: '<h1>down</h1>' },
      503,
      (u) => `unexpected HTTP status 503 from "${u}"`,
    ],
    [
      'a 5xx with an OAuth error body',
      json(500, { error: 'server_error' }),
      500,
      (u) => `unexpected HTTP status 500 from "${u}" with "server_error"`,
    ],
    [
      'a 4xx without an OAuth error',
      json(404, { message: 'no route' }),
      404,
      (u) => `unexpected HTTP status 404 from "${u}"`,
    ],
    [
      'a 200 that is not JSON',
      { status: 200, contentType: 'text/html', body: '<html>' },
      200,
      () => 'the token response is not JSON (HTTP 200, content-type "text/html")',
    ],
    ['a 200 that is a JSON array', json(200, []), 200, () => 'the token response is not a JSON object'],
    [
      'an answer without access_token',
      ok({ access_token: undefined }),
      200,
      () => 'invalid token response: missing "access_token"',
    ],
    [
      'an answer without token_type',
      ok({ token_type: undefined }),
      200,
      () => 'invalid token response: missing "token_type"',
    ],
    [
      'a DPoP token',
      ok({ token_type: 'DPoP' }),
      200,
      () => 'invalid token response: "token_type" must be "Bearer", got "DPoP"',
    ],
    [
      'a negative expires_in',
      ok({ expires_in: -5 }),
      200,
      () => 'invalid token response: "expires_in" must be a positive number of seconds',
    ],
    [
      'a non-numeric expires_in',
      ok({ expires_in: 'soon' }),
      200,
      () => 'invalid token response: "expires_in" must be a positive number of seconds',
    ],
    [
      'a scope that is not a string',
      ok({ scope: ['a'] }),
      200,
      () => 'invalid token response: "scope" must be a string',
    ],
  ])('turns %s into UnexpectedResponseError', async (_title, answer, status, message) => {
    await expect(grant(answer)).rejects.toMatchObject({
      name: 'UnexpectedResponseError',
      code: 'ERR_UNEXPECTED_RESPONSE',
      status,
      message: message(provider.tokenEndpoint),
    });
  });
});
