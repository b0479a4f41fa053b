// createAuth with introspection (RFC 7662), over HTTP: on every route or on chosen ones, the answers of the
// contract's table, the cache on an injected clock, single flight, opaque tokens, and no cost elsewhere.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import express, { type Request, type RequestHandler, type Response } from 'express';
import {
  createAuth,
  requireRealmRoles,
  type Auth,
  type ExpressAuthOptions,
  type IntrospectionOptions,
} from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, expectUnavailable, send, serve, type Served } from '../../helpers/http.js';
import { startIntrospectionServer, type IntrospectionServer } from '../../helpers/introspection-server.js';

const CLIENT = 'test_api_resource_server';
const SECRET = 'test_api_resource_server_dev_secret';
let idp: FakeProvider;
let server: IntrospectionServer;
const servers: Served[] = [];

beforeAll(async () => {
  idp = await startFakeProvider();
  server = await startIntrospectionServer({ issuer: idp.issuer, clientId: CLIENT, secret: SECRET });
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), idp.close(), server.close()]);
});
beforeEach(() => {
  server.requests.length = 0;
  server.fault = undefined;
});

const ok: RequestHandler = (req: Request, res: Response) => {
  res.json({
    sub: req.auth?.payload.sub ?? null,
    scopes: req.auth?.scopes ?? null,
    client: req.auth?.clientId ?? null,
  });
};

/** A guard for `idp` whose introspection endpoint is the test server, on a clock the test can move. */
function auth(introspection: Partial<IntrospectionOptions> = {}, options: Partial<ExpressAuthOptions> = {}) {
  const clock = { now: Date.now() };
  const guard = createAuth({
    issuer: { issuer: idp.issuer, discoveryUrl: server.discoveryUrl, jwksUri: idp.jwksUri },
    audience: 'test-api',
    realm: 'myorg',
    now: () => clock.now,
    introspection: { clientId: CLIENT, clientSecret: SECRET, ...introspection },
    ...options,
  });
  return { guard, clock };
}

/** The helpers' routes, served on 127.0.0.1:0. */
async function app(guard: Auth): Promise<string> {
  const a = express();
  a.get('/auth', guard.requireAuth(), ok);
  a.get('/scoped', guard.requireAuth('test_api_access'), ok);
  a.get('/role', guard.requireRole('admin'), ok);
  a.get('/optional', guard.optionalAuth(), ok);
  a.get('/active', guard.requireActiveToken(), ok);
  a.get('/active-scoped', guard.requireActiveToken('test_api_access', requireRealmRoles('admin')), ok);
  const served = await serve(a);
  servers.push(served);
  return served.url;
}

describe('createAuth with introspection on every route (the default)', () => {
  let url: string;
  let clock: { now: number };
  beforeAll(async () => {
    const built = auth();
    clock = built.clock;
    url = await app(built.guard);
  });
  beforeEach(() => {
    clock.now = Date.now();
  });

  test.each(['/auth', '/scoped', '/role', '/optional', '/active'])(
    '%s refuses a token the provider no longer honours with 401 invalid_token',
    async (route) => {
      const token = await idp.mint({ scope: 'test_api_access', realm_access: { roles: ['admin'] } });
      server.revoke(token);
      const res = await send(`${url}${route}`, { headers: bearer(token) });
      expectChallenge(res, 401, 'invalid_token', 'token is not active (introspection)');
      expect(server.requests).toHaveLength(1);
    },
  );

  test('admits an active token and asks the provider once per token within the TTL', async () => {
    const token = await idp.mint({ scope: 'test_api_access' });
    for (const route of ['/auth', '/scoped', '/active'])
      expect((await send(`${url}${route}`, { headers: bearer(token) })).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  test('keeps answering 403 for a missing scope after the token is confirmed active', async () => {
    const res = await send(`${url}/scoped`, { headers: bearer(await idp.mint({ scope: 'email' })) });
    expectChallenge(
      res,
      403,
      'insufficient_scope',
      'token lacks a required scope (needs all of: test_api_access)',
      'test_api_access',
    );
  });

  test('lets an anonymous caller through optionalAuth without asking the provider', async () => {
    expect((await send(`${url}/optional`)).status).toBe(200);
    expect(server.requests).toHaveLength(0);
  });

  test('answers 503 temporarily_unavailable with Retry-After when the provider fails, never a pass', async () => {
    server.fault = 'error';
    expectUnavailable(await send(`${url}/auth`, { headers: bearer(await idp.mint()) }), 5);
  });

  test('refuses a token revoked at the provider once the cached answer is older than the TTL (30 s)', async () => {
    const token = await idp.mint();
    expect((await send(`${url}/auth`, { headers: bearer(token) })).status).toBe(200);
    server.revoke(token);
    clock.now += 29_000;
    expect((await send(`${url}/auth`, { headers: bearer(token) })).status).toBe(200); // the answer is still fresh
    clock.now += 1_000;
    expectChallenge(
      await send(`${url}/auth`, { headers: bearer(token) }),
      401,
      'invalid_token',
      'token is not active (introspection)',
    );
    expect(server.requests).toHaveLength(2);
  });

  test("never reuses an answer past the token's exp, even within the TTL", async () => {
    const token = await idp.mint({}, { expiresIn: 10 });
    expect((await send(`${url}/auth`, { headers: bearer(token) })).status).toBe(200);
    server.revoke(token);
    clock.now += 10_000; // exp reached; still within the 30 s clock tolerance, so the JWT itself passes
    expectChallenge(
      await send(`${url}/auth`, { headers: bearer(token) }),
      401,
      'invalid_token',
      'token is not active (introspection)',
    );
  });
});

describe('createAuth with introspection on chosen routes (everyRoute: false)', () => {
  let url: string;
  let guard: Auth;
  beforeAll(async () => {
    guard = auth({ everyRoute: false, acceptOpaqueTokens: true }).guard;
    url = await app(guard);
  });

  test('asks the provider on requireActiveToken routes only: the others make no introspection request', async () => {
    const token = await idp.mint({ scope: 'test_api_access', realm_access: { roles: ['admin'] } });
    server.revoke(token);
    for (const route of ['/auth', '/scoped', '/role', '/optional'])
      expect((await send(`${url}${route}`, { headers: bearer(token) })).status).toBe(200);
    expect(server.requests).toHaveLength(0);
    expectChallenge(
      await send(`${url}/active`, { headers: bearer(token) }),
      401,
      'invalid_token',
      'token is not active (introspection)',
    );
    expect(server.requests).toHaveLength(1);
  });

  test('runs the scope and further checks of requireActiveToken after introspection', async () => {
    const granted = await idp.mint({ scope: 'test_api_access', realm_access: { roles: ['admin'] } });
    expect((await send(`${url}/active-scoped`, { headers: bearer(granted) })).status).toBe(200);
    const lacking = await send(`${url}/active-scoped`, {
      headers: bearer(await idp.mint({ scope: 'test_api_access' })),
    });
    expectChallenge(lacking, 403, 'insufficient_scope', 'token lacks the realm role "admin"');
  });

  test('accepts an opaque token on requireActiveToken routes only, described by the introspection answer', async () => {
    server.register('opaque-abc', {
      iss: idp.issuer,
      aud: 'test-api',
      sub: 'user-9',
      client_id: 'c9',
      scope: 'test_api_access',
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const res = await send(`${url}/active`, { headers: bearer('opaque-abc') });
    expect(res).toMatchObject({ status: 200, body: { sub: 'user-9', scopes: ['test_api_access'], client: 'c9' } });
    expectChallenge(
      await send(`${url}/auth`, { headers: bearer('opaque-abc') }),
      401,
      'invalid_token',
      'token is not a compact JWS (three base64url parts)',
    );
    expect(server.requests).toHaveLength(1);
  });

  test('refuses an opaque token revoked through auth.revoke, as any token', async () => {
    server.register('opaque-def', { iss: idp.issuer, aud: 'test-api', exp: Math.floor(Date.now() / 1000) + 60 });
    await guard.revoke(await guard.verify('opaque-def', { introspect: true }));
    expectChallenge(
      await send(`${url}/active`, { headers: bearer('opaque-def') }),
      401,
      'invalid_token',
      'token has been revoked',
    );
  });

  test('verify() introspects only when asked to', async () => {
    const token = await idp.mint();
    server.revoke(token);
    await expect(guard.verify(token)).resolves.toMatchObject({ token });
    await expect(guard.verify(token, { introspect: true })).rejects.toMatchObject({
      message: 'token is not active (introspection)',
    });
  });

  test('lets concurrent checks of one token share one introspection request', async () => {
    const { guard: fresh } = auth({ cacheTtl: 0 });
    const token = await idp.mint();
    await fresh.ready();
    const release = server.hold();
    const checks = Array.from({ length: 5 }, () => fresh.verify(token));
    await server.arrived(1);
    release();
    await Promise.all(checks);
    expect(server.requests).toHaveLength(1);
  });
});

describe('createAuth without introspection', () => {
  const guard = () => createAuth({ issuer: idp.issuer, audience: 'test-api' });

  test('refuses to build requireActiveToken with a TypeError naming the option', () => {
    expect(() => guard().requireActiveToken()).toThrow(
      new TypeError('"introspection" must be configured to confirm tokens by introspection'),
    );
  });

  test('rejects verify(token, { introspect: true }) with that TypeError', async () => {
    await expect(guard().verify(await idp.mint(), { introspect: true })).rejects.toThrow(TypeError);
  });

  test('validates the introspection options at construction', () => {
    expect(() => createAuth({ issuer: idp.issuer, audience: 'test-api', introspection: { clientId: CLIENT } })).toThrow(
      new TypeError('"introspection" needs exactly one of "clientSecret" and "clientAuth"'),
    );
  });

  test('reads the introspection options once: changing them afterwards changes nothing', async () => {
    const introspection = { clientId: CLIENT, clientSecret: SECRET, everyRoute: false };
    const { guard: built } = auth(introspection);
    introspection.everyRoute = true;
    const token = await idp.mint();
    await built.verify(token);
    expect(server.requests).toHaveLength(0);
  });
});
