// The Fastify adapter over real HTTP: the same guards and answers as Express, as route hooks.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { createFastifyAuth, type FastifyAuthOptions } from '../../../src/fastify/index.js';
import { InvalidRequestError } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, expectUnavailable, send } from '../../helpers/http.js';

let idp: FakeProvider;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await Promise.all([...apps.map((a) => a.close()), idp.close()]);
});

async function start(overrides: Partial<FastifyAuthOptions> = {}, register = true): Promise<string> {
  const auth = createFastifyAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', ...overrides });
  const app = Fastify();
  if (register) await app.register(auth.plugin);
  // A form parser, as @fastify/formbody would add: Fastify parses no form bodies by itself.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.get('/any', { onRequest: auth.requireAuth() }, async (request) => ({ sub: request.auth?.payload.sub }));
  app.get('/scoped', { onRequest: auth.requireAuth('test_api_access') }, async () => ({ ok: true }));
  app.get('/any-of', { onRequest: auth.requireAnyScope(['a', 'test_api_access']) }, async () => ({ ok: true }));
  app.get('/admin', { onRequest: auth.requireRole('admin') }, async () => ({ ok: true }));
  app.get('/billing', { onRequest: auth.requireClientRole('billing', 'payer') }, async () => ({ ok: true }));
  app.get('/eu', { onRequest: auth.requireClaim((t) => t.payload.region === 'eu', 'EU only') }, async () => ({}));
  app.get('/optional', { onRequest: auth.optionalAuth() }, async (request) => ({
    anonymous: request.auth === undefined,
  }));
  app.post('/form', { preHandler: auth.requireAuth() }, async (request) => ({ sub: request.auth?.payload.sub }));
  app.post('/logout', { onRequest: auth.requireAuth() }, async (request) => {
    await auth.revoke(request.auth!);
    return { ok: true };
  });
  apps.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('createFastifyAuth', () => {
  test('admits a valid token and gives the handler request.auth, again from the cache', async () => {
    const url = await start();
    const token = await idp.mint({ sub: 'fastify-user' });
    for (let i = 0; i < 3; i++) {
      const answer = await send(`${url}/any`, { headers: bearer(token) });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ sub: 'fastify-user' });
    }
  });

  test('answers the RFC 6750 table as Express does: 401 bare, 401 invalid_token, 403 with scope, 400', async () => {
    const url = await start();
    expectChallenge(await send(`${url}/any`), 401, 'unauthorized');
    expectChallenge(await send(`${url}/any`, { headers: bearer('a.b.c') }), 401, 'invalid_token');
    const weak = await idp.mint({ scope: 'email' });
    expectChallenge(
      await send(`${url}/scoped`, { headers: bearer(weak) }),
      403,
      'insufficient_scope',
      undefined,
      'test_api_access',
    );
    expectChallenge(await send(`${url}/admin`, { headers: bearer(weak) }), 403, 'insufficient_scope');
    expectChallenge(await send(`${url}/billing`, { headers: bearer(weak) }), 403, 'insufficient_scope');
    expectChallenge(await send(`${url}/eu`, { headers: bearer(weak) }), 403, 'insufficient_scope', 'EU only');
    expect(
      (await send(`${url}/any-of`, { headers: bearer(await idp.mint({ scope: 'test_api_access' })) })).status,
    ).toBe(200);
    expectChallenge(await send(`${url}/any`, { headers: { authorization: 'Bearer ' } }), 400, 'invalid_request');
  });

  test('lets anonymous callers through optionalAuth but refuses their invalid tokens', async () => {
    const url = await start();
    expect((await send(`${url}/optional`)).body).toEqual({ anonymous: true });
    expectChallenge(await send(`${url}/optional`, { headers: bearer('a.b.c') }), 401, 'invalid_token');
  });

  test('refuses a revoked token on the next request', async () => {
    const url = await start();
    const token = await idp.mint();
    expect((await send(`${url}/logout`, { method: 'POST', headers: bearer(token) })).status).toBe(200);
    expectChallenge(
      await send(`${url}/any`, { headers: bearer(token) }),
      401,
      'invalid_token',
      'token has been revoked',
    );
  });

  test('answers 503 with Retry-After when the key is unknown and the provider is down', async () => {
    const down = await startFakeProvider();
    down.setOutage('refuse');
    try {
      const url = await start({ issuer: down.issuer });
      expectUnavailable(await send(`${url}/any`, { headers: bearer(await down.mint()) }));
    } finally {
      await down.close();
    }
  });

  test('reads a form-body token in a preHandler guard when tokenSources.body is on', async () => {
    const url = await start({ tokenSources: { body: true } });
    const token = await idp.mint({ sub: 'form-user' });
    const answer = await send(`${url}/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${token}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sub: 'form-user' });
  });

  test('uses a custom getToken, and an error it throws is answered like the built-in extraction', async () => {
    const url = await start({
      getToken: (request) => {
        const value = request.headers['x-token'];
        if (Array.isArray(value)) throw new InvalidRequestError('one "x-token" header only');
        return value;
      },
    });
    const token = await idp.mint({ sub: 'custom' });
    expect((await send(`${url}/any`, { headers: { 'x-token': token } })).body).toEqual({ sub: 'custom' });
    expectChallenge(await send(`${url}/any`), 401, 'unauthorized');
  });

  test('passes refusals to the error handler with status and headers when passErrors is on', async () => {
    const url = await start({ passErrors: true }, false);
    const answer = await send(`${url}/any`, { headers: bearer('a.b.c') });
    expect(answer.status).toBe(401);
    expect(String(answer.headers['www-authenticate'])).toContain('error="invalid_token"');
  });

  test('refuses to build requireActiveToken without the introspection option', () => {
    const auth = createFastifyAuth({ issuer: idp.issuer, audience: 'test-api' });
    expect(() => auth.requireActiveToken()).toThrow('"introspection" must be configured');
  });
});
