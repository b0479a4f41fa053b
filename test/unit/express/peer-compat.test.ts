import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { claimCheck, claimEquals, claimIncludes, requiredScopes, scopeIncludesAny } from 'express-oauth2-jwt-bearer';
import { createAuth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, send, serve, type Served } from '../../helpers/http.js';

// express-oauth2-jwt-bearer's checks read `req.auth.payload`; they must work unchanged behind our guard.
let idp: FakeProvider;
let served: Served;

beforeAll(async () => {
  idp = await startFakeProvider();
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg' });
  const ok: RequestHandler = (_req, res) => void res.json({ message: 'ok' });
  const peerErrors: ErrorRequestHandler = (
    error: { status?: number; name?: string; headers?: Record<string, string> },
    _req,
    res,
    _next,
  ) => {
    res
      .status(error.status ?? 500)
      .set(error.headers ?? {})
      .json({ peerError: error.name });
  };
  const app = express();
  app.get('/required-scopes', auth.requireAuth(), requiredScopes('test_api_access email'), ok);
  app.get('/scope-includes-any', auth.requireAuth(), scopeIncludesAny(['admin_scope', 'test_api_access']), ok);
  app.get(
    '/claim-check',
    auth.requireAuth(),
    claimCheck((payload) => payload.azp === 'test_api_client'),
    ok,
  );
  app.get('/claim-equals', auth.requireAuth(), claimEquals('azp', 'test_api_client'), ok);
  app.get('/claim-includes', auth.requireAuth(), claimIncludes('scope', 'email'), ok);
  app.get('/req-auth', auth.requireAuth(), (req, res) => {
    const { header, payload, token } = req.auth!;
    res.json({ alg: header.alg, sub: payload.sub, tokenIsString: typeof token === 'string' });
  });
  app.use(peerErrors);
  served = await serve(app);
});
afterAll(async () => {
  await Promise.all([served.close(), idp.close()]);
});

type Case = [
  route: string,
  passing: Record<string, unknown>,
  failing: Record<string, unknown>,
  peerError: string,
  status: number,
];
const CASES: Case[] = [
  ['/required-scopes', { scope: 'email test_api_access' }, { scope: 'email' }, 'InsufficientScopeError', 403],
  ['/scope-includes-any', { scope: 'test_api_access' }, { scope: 'email' }, 'InsufficientScopeError', 403],
  ['/claim-check', {}, { azp: 'other' }, 'InvalidTokenError', 401],
  ['/claim-equals', {}, { azp: 'other' }, 'InvalidTokenError', 401],
  ['/claim-includes', { scope: 'profile email' }, { scope: 'profile' }, 'InvalidTokenError', 401],
];

describe("express-oauth2-jwt-bearer's checks on our req.auth", () => {
  test.each(CASES)('%s admits a token that satisfies it', async (route, passing) => {
    expect(await send(`${served.url}${route}`, { headers: bearer(await idp.mint(passing)) })).toMatchObject({
      status: 200,
      body: { message: 'ok' },
    });
  });

  test.each(CASES)(
    '%s refuses a token that does not satisfy it, with its own error',
    async (route, _passing, failing, peerError, status) => {
      expect(await send(`${served.url}${route}`, { headers: bearer(await idp.mint(failing)) })).toMatchObject({
        status,
        body: { peerError },
      });
    },
  );

  test('requiredScopes sends the challenge naming the needed scopes', async () => {
    const res = await send(`${served.url}/required-scopes`, { headers: bearer(await idp.mint({ scope: 'email' })) });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Insufficient Scope", scope="test_api_access email"',
    );
  });

  test('req.auth has the peer shape: header, payload, token', async () => {
    const res = await send(`${served.url}/req-auth`, { headers: bearer(await idp.mint({ sub: 'peer' })) });
    expect(res.body).toEqual({ alg: 'RS256', sub: 'peer', tokenIsString: true });
  });
});
