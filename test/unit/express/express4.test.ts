import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express4 from 'express4';
import { createAuth, requireRealmRoles } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import {
  bearer,
  expectChallenge,
  expectUnavailable,
  send,
  sendRaw,
  rawStatus,
  serve,
  type Served,
} from '../../helpers/http.js';
import { createRequire } from 'node:module';

// The same guard, on Express 4 (the peer range is ^4.17 || ^5).
let idp: FakeProvider;
let served: Served;
let passing: Served;
let handlerCalls = 0;

beforeAll(async () => {
  idp = await startFakeProvider();
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', tokenSources: { body: true } });
  const app = express4();
  const ok = (req: express4.Request, res: express4.Response) => {
    handlerCalls++;
    res.json({ message: 'ok', sub: req.auth?.payload.sub ?? null });
  };
  app.get('/any', auth.requireAuth(), ok);
  app.get('/scoped', auth.requireAuth('test_api_access'), ok);
  app.get('/role', auth.requireRole('admin'), ok);
  app.get('/client-role', auth.requireClientRole('my.api', 'reader'), ok);
  app.get('/any-scope', auth.requireAnyScope(['a', 'b']), ok);
  app.get('/optional', auth.optionalAuth(), ok);
  app.get('/extra', auth.requireAuth(undefined, requireRealmRoles('admin')), ok);
  app.post('/form', express4.urlencoded({ extended: false }), auth.requireAuth(), ok);
  served = await serve(app);

  const passErrors = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', passErrors: true });
  const finalOnly = express4();
  finalOnly.get('/any', passErrors.requireAuth(), ok);
  passing = await serve(finalOnly);
});
afterAll(async () => {
  await Promise.all([served.close(), passing.close(), idp.close()]);
});

describe('the guard on Express 4', () => {
  test('runs on Express 4 itself', () => {
    const version = (createRequire(import.meta.url)('express4/package.json') as { version: string }).version;
    expect(version).toMatch(/^4\./);
  });

  test('admits a valid token and sets req.auth', async () => {
    expect(await send(`${served.url}/any`, { headers: bearer(await idp.mint({ sub: 'four' })) })).toMatchObject({
      status: 200,
      body: { sub: 'four' },
    });
  });

  test('answers 401 unauthorized with the bare challenge without a token', async () => {
    const before = handlerCalls;
    expectChallenge(await send(`${served.url}/any`), 401, 'unauthorized');
    expect(handlerCalls).toBe(before);
  });

  test('answers 401 invalid_token for an invalid token', async () => {
    expectChallenge(
      await send(`${served.url}/any`, { headers: bearer(await idp.mint({ aud: undefined })) }),
      401,
      'invalid_token',
      'token has no "aud" claim; add an Audience mapper for "test-api" to the client',
    );
  });

  test('answers 403 insufficient_scope with the scope for a missing scope', async () => {
    expectChallenge(
      await send(`${served.url}/scoped`, { headers: bearer(await idp.mint()) }),
      403,
      'insufficient_scope',
      'token lacks a required scope (needs all of: test_api_access)',
      'test_api_access',
    );
  });

  test.each([
    ['/role', 'token lacks the realm role "admin"', undefined],
    ['/client-role', 'token lacks the client role "reader" of client "my.api"', undefined],
    ['/any-scope', 'token lacks a required scope (needs one of: a b)', 'a b'],
    ['/extra', 'token lacks the realm role "admin"', undefined],
  ])('answers 403 on %s for a valid token lacking what it needs', async (route, description, scope) => {
    expectChallenge(
      await send(`${served.url}${route}`, { headers: bearer(await idp.mint()) }),
      403,
      'insufficient_scope',
      description,
      scope,
    );
  });

  test('refuses two Authorization headers with 400 invalid_request', async () => {
    const token = await idp.mint();
    const answer = await sendRaw(
      served.port,
      `GET /any HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    );
    expect(rawStatus(answer)).toBe(400);
    expect(answer).toContain('error="invalid_request"');
  });

  test('lets anonymous callers through optionalAuth', async () => {
    expect(await send(`${served.url}/optional`)).toMatchObject({ status: 200, body: { sub: null } });
  });

  test('reads a form-body token when enabled', async () => {
    const res = await send(`${served.url}/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${await idp.mint({ sub: 'form' })}`,
    });
    expect(res).toMatchObject({ status: 200, body: { sub: 'form' } });
  });

  test("with passErrors, Express 4's final handler answers with the error's status and challenge", async () => {
    const res = await send(`${passing.url}/any`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="myorg"');
  });

  test('answers 503 with Retry-After when the provider is down and the key unknown', async () => {
    const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg' });
    const app = express4();
    app.get(
      '/any',
      auth.requireAuth(),
      (_req: express4.Request, res: express4.Response) => void res.json({ message: 'ok' }),
    );
    const down = await serve(app);
    idp.setOutage('refuse');
    try {
      expectUnavailable(await send(`${down.url}/any`, { headers: bearer(await idp.mint()) }), 1);
    } finally {
      idp.setOutage(undefined);
      await down.close();
    }
  });
});
