import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { InvalidRequestError } from '../../../src/core/errors.js';
import {
  createAuth,
  requireRealmRoles,
  type Auth,
  type ExpressAuthOptions,
  type RevocationStore,
} from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, expectChallenge, expectUnavailable, send, serve, type Served } from '../../helpers/http.js';

let idp: FakeProvider;
let second: FakeProvider;
let stranger: FakeProvider; // an issuer nobody configured
const servers: Served[] = [];
let handlerCalls = 0;

beforeAll(async () => {
  [idp, second, stranger] = await Promise.all([
    startFakeProvider(),
    startFakeProvider({ realm: 'second' }),
    startFakeProvider({ realm: 'stranger' }),
  ]);
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), idp.close(), second.close(), stranger.close()]);
});

const ok: RequestHandler = (req: Request, res: Response) => {
  handlerCalls++;
  res.json({
    message: 'ok',
    sub: req.auth?.payload.sub ?? null,
    scopes: req.auth?.scopes ?? null,
    issuer: req.auth?.issuer ?? null,
  });
};

function options(overrides: Partial<ExpressAuthOptions> = {}): ExpressAuthOptions {
  return { issuer: [idp.issuer, second.issuer], audience: 'test-api', realm: 'myorg', ...overrides };
}

/** An app with one route per helper, served on 127.0.0.1:0. */
async function app(auth: Auth, setup?: (app: express.Express) => void): Promise<string> {
  const a = express();
  setup?.(a);
  a.get('/any', auth.requireAuth(), ok);
  a.get('/scoped', auth.requireAuth('test_api_access'), ok);
  a.get('/scoped-all', auth.requireAuth(['test_api_access', 'email']), ok);
  a.get('/any-scope', auth.requireAnyScope(['other_scope', 'test_api_access']), ok);
  a.get('/role', auth.requireRole('admin'), ok);
  a.get('/client-role', auth.requireClientRole('my.api', 'reader'), ok);
  a.get(
    '/claim',
    auth.requireClaim((t) => t.payload.sub === 'owner', 'only the owner may do this'),
    ok,
  );
  a.get('/extra-check', auth.requireAuth(undefined, requireRealmRoles('admin')), ok);
  a.get('/optional', auth.optionalAuth(), ok);
  a.get('/optional-role', auth.optionalAuth(requireRealmRoles('admin')), ok);
  a.post('/form', express.urlencoded({ extended: false }), auth.requireAuth(), ok);
  a.post('/json', express.json(), auth.requireAuth(), ok);
  const served = await serve(a);
  servers.push(served);
  return served.url;
}

describe('createAuth', () => {
  let url: string;
  let auth: Auth;
  beforeAll(async () => {
    auth = createAuth(options());
    url = await app(auth);
  });

  describe('every helper gets the 401/403 split right', () => {
    type Case = [
      route: string,
      grantingClaims: Record<string, unknown>,
      lackingClaims: Record<string, unknown>,
      description: string,
      scope: string | undefined,
    ];
    const cases: Case[] = [
      [
        '/scoped',
        { scope: 'test_api_access' },
        { scope: 'email' },
        'token lacks a required scope (needs all of: test_api_access)',
        'test_api_access',
      ],
      [
        '/scoped-all',
        { scope: 'email test_api_access' },
        { scope: 'test_api_access' },
        'token lacks a required scope (needs all of: test_api_access email)',
        'test_api_access email',
      ],
      [
        '/any-scope',
        { scope: 'test_api_access' },
        { scope: 'email' },
        'token lacks a required scope (needs one of: other_scope test_api_access)',
        'other_scope test_api_access',
      ],
      [
        '/role',
        { realm_access: { roles: ['admin'] } },
        { realm_access: { roles: ['user'] } },
        'token lacks the realm role "admin"',
        undefined,
      ],
      [
        '/client-role',
        { resource_access: { 'my.api': { roles: ['reader'] } } },
        { resource_access: { my: { api: { roles: ['reader'] } } } },
        'token lacks the client role "reader" of client "my.api"',
        undefined,
      ],
      ['/claim', { sub: 'owner' }, { sub: 'someone' }, 'only the owner may do this', undefined],
      ['/extra-check', { realm_access: { roles: ['admin'] } }, {}, 'token lacks the realm role "admin"', undefined],
    ];

    test.each(cases)('%s admits a token holding what it needs', async (route, granting) => {
      const before = handlerCalls;
      const res = await send(`${url}${route}`, { headers: bearer(await idp.mint(granting)) });
      expect(res.status).toBe(200);
      expect(handlerCalls).toBe(before + 1);
    });

    test.each(cases)(
      '%s answers 403 insufficient_scope, never 401, to a valid token lacking it',
      async (route, _granting, lacking, description, scope) => {
        const before = handlerCalls;
        const res = await send(`${url}${route}`, { headers: bearer(await idp.mint(lacking)) });
        expectChallenge(res, 403, 'insufficient_scope', description, scope);
        expect(handlerCalls).toBe(before);
      },
    );

    test.each(cases)('%s answers 401 with the bare challenge when no token is sent', async (route) => {
      expectChallenge(await send(`${url}${route}`), 401, 'unauthorized');
    });

    test.each(cases)(
      '%s answers 401 invalid_token to an invalid token, whatever it claims',
      async (route, granting) => {
        const res = await send(`${url}${route}`, { headers: bearer(await idp.mint(granting, { expiresIn: -120 })) });
        expectChallenge(res, 401, 'invalid_token', 'token has expired');
      },
    );
  });

  test('requireAuth() admits any valid token and puts it on req.auth', async () => {
    const token = await idp.mint({ sub: 'user-7', scope: 'a b' });
    const res = await send(`${url}/any`, { headers: bearer(token) });
    expect(res).toMatchObject({
      status: 200,
      body: { message: 'ok', sub: 'user-7', scopes: ['a', 'b'], issuer: idp.issuer },
    });
  });

  test('answers with Cache-Control: no-store and a JSON body of exactly error and error_description', async () => {
    const res = await send(`${url}/any`, { headers: bearer('not-a-token') });
    expectChallenge(res, 401, 'invalid_token', 'token is not a compact JWS (three base64url parts)');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  test('uses realm "api" in the challenge by default', async () => {
    const plain = await app(createAuth(options({ realm: undefined })));
    expectChallenge(await send(`${plain}/any`), 401, 'unauthorized', undefined, undefined, 'api');
  });

  describe('optional authentication', () => {
    test('lets an anonymous caller through with req.auth undefined', async () => {
      const res = await send(`${url}/optional`);
      expect(res).toMatchObject({ status: 200, body: { sub: null } });
    });

    test('treats credentials of another scheme as anonymous', async () => {
      const res = await send(`${url}/optional`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(res).toMatchObject({ status: 200, body: { sub: null } });
    });

    test('sets req.auth for a caller with a valid token', async () => {
      const res = await send(`${url}/optional`, { headers: bearer(await idp.mint({ sub: 'known' })) });
      expect(res).toMatchObject({ status: 200, body: { sub: 'known' } });
    });

    test('refuses an invalid token instead of treating the caller as anonymous', async () => {
      expectChallenge(
        await send(`${url}/optional`, { headers: bearer(await idp.mint({ aud: 'account' })) }),
        401,
        'invalid_token',
        'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
      );
    });

    test('refuses a malformed request', async () => {
      expectChallenge(
        await send(`${url}/optional`, { headers: { authorization: 'Bearer' } }),
        400,
        'invalid_request',
        '"Authorization: Bearer" carries no token',
      );
    });

    test('applies its checks to authenticated callers only', async () => {
      expect((await send(`${url}/optional-role`)).status).toBe(200);
      expectChallenge(
        await send(`${url}/optional-role`, { headers: bearer(await idp.mint()) }),
        403,
        'insufficient_scope',
        'token lacks the realm role "admin"',
      );
    });
  });

  describe('custom token extractor (getToken)', () => {
    let custom: string;
    beforeAll(async () => {
      const a = createAuth(
        options({
          getToken: (req) => {
            const value = req.get('x-api-token');
            if (value === 'two') throw new InvalidRequestError('send one token only');
            if (value === 'crash') throw new Error('extractor bug');
            return value;
          },
        }),
      );
      custom = await app(a, (e) =>
        e.use((req, _res, next) => {
          req.headers['x-seen'] = '1';
          next();
        }),
      );
    });

    test('reads the token where the extractor finds it', async () => {
      const res = await send(`${custom}/any`, { headers: { 'x-api-token': await idp.mint({ sub: 'via-extractor' }) } });
      expect(res).toMatchObject({ status: 200, body: { sub: 'via-extractor' } });
    });

    test('answers 401 unauthorized when the extractor finds nothing, ignoring the Authorization header', async () => {
      expectChallenge(await send(`${custom}/any`, { headers: bearer(await idp.mint()) }), 401, 'unauthorized');
    });

    test("answers the extractor's own InvalidRequestError as 400", async () => {
      expectChallenge(
        await send(`${custom}/any`, { headers: { 'x-api-token': 'two' } }),
        400,
        'invalid_request',
        'send one token only',
      );
    });

    test('passes an unexpected extractor error on to Express untouched (500, no challenge)', async () => {
      const res = await send(`${custom}/any`, { headers: { 'x-api-token': 'crash' } });
      expect(res.status).toBe(500);
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    test('refuses a getToken that is not a function at start-up', () => {
      expect(() => createAuth(options({ getToken: 'x' as unknown as () => undefined }))).toThrow(
        new TypeError('"getToken" must be a function'),
      );
    });
  });

  describe('token sources', () => {
    test('answers a query-only token with 401 unauthorized when query tokens are off', async () => {
      expectChallenge(await send(`${url}/any?access_token=${await idp.mint()}`), 401, 'unauthorized');
    });

    test('reads ?access_token= when query tokens are on', async () => {
      const q = await app(createAuth(options({ tokenSources: { query: true } })));
      const res = await send(`${q}/any?access_token=${await idp.mint({ sub: 'from-query' })}`);
      expect(res).toMatchObject({ status: 200, body: { sub: 'from-query' } });
    });

    test('refuses a token in the query and the header as invalid_request', async () => {
      const q = await app(createAuth(options({ tokenSources: { query: true } })));
      const token = await idp.mint();
      expectChallenge(
        await send(`${q}/any?access_token=${token}`, { headers: bearer(token) }),
        400,
        'invalid_request',
        'the token was sent in more than one place',
      );
    });

    test('reads a form-body access_token when body tokens are on', async () => {
      const b = await app(createAuth(options({ tokenSources: { body: true } })));
      const res = await send(`${b}/form`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${await idp.mint({ sub: 'from-body' })}`,
      });
      expect(res).toMatchObject({ status: 200, body: { sub: 'from-body' } });
    });

    test('does not take an access_token field of a JSON body for a second token (RFC 6750 §2.2 is about form bodies)', async () => {
      const res = await send(`${url}/json`, {
        method: 'POST',
        headers: { ...bearer(await idp.mint({ sub: 'json-client' })), 'content-type': 'application/json' },
        body: JSON.stringify({ access_token: 'a token the API stores, not a credential' }),
      });
      expect(res).toMatchObject({ status: 200, body: { sub: 'json-client' } });
    });

    test('answers a body-only token with 401 unauthorized when body tokens are off', async () => {
      const res = await send(`${url}/form`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${await idp.mint()}`,
      });
      expectChallenge(res, 401, 'unauthorized');
    });
  });

  describe('several issuers', () => {
    test('admits tokens of both realms, each verified with its own keys', async () => {
      const a = await send(`${url}/any`, { headers: bearer(await idp.mint()) });
      const b = await send(`${url}/any`, { headers: bearer(await second.mint()) });
      expect([
        a.status,
        (a.body as { issuer: string }).issuer,
        b.status,
        (b.body as { issuer: string }).issuer,
      ]).toEqual([200, idp.issuer, 200, second.issuer]);
    });

    test('checks the issuer before fetching any key', async () => {
      const fresh = await app(createAuth(options()));
      const before = [idp.requests.jwks, second.requests.jwks, idp.requests.discovery, second.requests.discovery];
      const res = await send(`${fresh}/any`, { headers: bearer(await stranger.mint()) });
      expectChallenge(
        res,
        401,
        'invalid_token',
        `token "iss" is not a trusted issuer; expected one of "${idp.issuer}", "${second.issuer}"`,
      );
      expect(stranger.requests.jwks).toBe(0);
      expect(stranger.requests.discovery).toBe(0);
      expect([idp.requests.jwks, second.requests.jwks, idp.requests.discovery, second.requests.discovery]).toEqual(
        before,
      );
    });
  });

  test('reads options once: mutating the options object afterwards changes nothing', async () => {
    const issuers = [idp.issuer];
    const opts = {
      issuer: issuers,
      audience: ['test-api'],
      realm: 'myorg',
      tokenSources: { query: false },
      passErrors: false,
      clockTolerance: 30,
    };
    const a = createAuth(opts);
    const once = await app(a);
    issuers.push(second.issuer);
    opts.audience.push('account');
    opts.realm = 'changed';
    opts.tokenSources.query = true;
    opts.passErrors = true;
    opts.clockTolerance = 100_000;
    expectChallenge(
      await send(`${once}/any`, { headers: bearer(await second.mint()) }),
      401,
      'invalid_token',
      `token "iss" is not a trusted issuer; expected "${idp.issuer}"`,
    );
    expectChallenge(
      await send(`${once}/any`, { headers: bearer(await idp.mint({ aud: 'account' })) }),
      401,
      'invalid_token',
      'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
    );
    expectChallenge(await send(`${once}/any?access_token=${await idp.mint()}`), 401, 'unauthorized');
    expectChallenge(
      await send(`${once}/any`, { headers: bearer(await idp.mint({}, { expiresIn: -60 })) }),
      401,
      'invalid_token',
      'token has expired',
    );
  });

  test('admits only the clients of the azp allow-list', async () => {
    const listed = await app(createAuth(options({ allowedClients: ['test_api_client', 'svc.with.dots'] })));
    expect((await send(`${listed}/any`, { headers: bearer(await idp.mint({ azp: 'svc.with.dots' })) })).status).toBe(
      200,
    );
    expectChallenge(
      await send(`${listed}/any`, { headers: bearer(await idp.mint({ azp: 'intruder' })) }),
      401,
      'invalid_token',
      'token was issued to a client that is not allowed ("azp")',
    );
  });

  test('refuses tokens older than maxTokenAge', async () => {
    const young = await app(createAuth(options({ maxTokenAge: 60 })));
    const iat = Math.floor(Date.now() / 1000) - 120;
    expectChallenge(
      await send(`${young}/any`, { headers: bearer(await idp.mint({ iat })) }),
      401,
      'invalid_token',
      'token is too old ("iat" is too far in the past)',
    );
    expect((await send(`${young}/any`, { headers: bearer(await idp.mint()) })).status).toBe(200);
  });

  test('fails at start-up on a configuration mistake', () => {
    expect(() => createAuth({ audience: 'x' } as unknown as ExpressAuthOptions)).toThrow(
      new TypeError('"issuer" is required'),
    );
  });

  describe('unknown option keys', () => {
    test.each<[string, Record<string, unknown>, string]>([
      [
        'a guard option',
        { allowedClient: ['billing'] },
        'unknown option "allowedClient"; did you mean "allowedClients"?',
      ],
      ['an Express option', { passError: true }, 'unknown option "passError"; did you mean "passErrors"?'],
      [
        'a token source',
        { tokenSources: { queries: true } },
        'unknown option "tokenSources.queries"; did you mean "tokenSources.query"?',
      ],
      [
        'an introspection option',
        { introspection: { clientId: 'test-api', clientSecret: 's', everyRoutes: false } },
        'unknown option "introspection.everyRoutes"; did you mean "introspection.everyRoute"?',
      ],
    ])('refuse %s at start-up, naming the nearest one', (_what, overrides, message) => {
      expect(() => createAuth({ ...options(), ...overrides } as ExpressAuthOptions)).toThrow(new TypeError(message));
    });

    test('refuse a key of verify() options', async () => {
      const token = await idp.mint();
      await expect(auth.verify(token, { introspected: true } as never)).rejects.toThrow(
        new TypeError('unknown option "introspected"; did you mean "introspect"?'),
      );
      expect((await auth.verify(token, {})).token).toBe(token);
    });
  });

  describe('verify, revoke, ready, status', () => {
    test('verify() checks a raw token outside Express', async () => {
      const verified = await auth.verify(await idp.mint({ sub: 'raw' }));
      expect(verified.payload.sub).toBe('raw');
    });

    test('revoke() makes that token, and only that one, invalid', async () => {
      const a = createAuth(options());
      const revokedUrl = await app(a);
      const token = await idp.mint();
      const other = await idp.mint();
      await a.revoke(await a.verify(token));
      await expect(a.verify(token)).rejects.toMatchObject({ code: 'invalid_token', message: 'token has been revoked' });
      expectChallenge(
        await send(`${revokedUrl}/any`, { headers: bearer(token) }),
        401,
        'invalid_token',
        'token has been revoked',
      );
      expect((await send(`${revokedUrl}/any`, { headers: bearer(other) })).status).toBe(200);
    });

    test('keeps a revocation in the store until the token would have expired', async () => {
      const entries: Array<[string, number]> = [];
      const store: RevocationStore = { revoke: (id, exp) => void entries.push([id, exp]), isRevoked: () => false };
      const a = createAuth(options({ revocations: store }));
      const verified = await a.verify(await idp.mint());
      await a.revoke(verified);
      expect(entries).toEqual([
        [`jti:${idp.issuer} ${String(verified.payload.jti)}`, (verified.payload.exp as number) + 30],
      ]);
    });

    test('answers 503 when the revocation store cannot be reached', async () => {
      const store: RevocationStore = {
        revoke: () => undefined,
        isRevoked: () => Promise.reject(new Error('ECONNREFUSED')),
      };
      const down = await app(createAuth(options({ revocations: store })));
      const res = await send(`${down}/any`, { headers: bearer(await idp.mint()) });
      expectUnavailable(res, 5);
      expect(res.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the revocation store cannot be reached',
      });
    });

    test('ready() fetches the keys and status() reports them fresh', async () => {
      const a = createAuth(options());
      expect(a.status().map((s) => s.state)).toEqual(['empty', 'empty']);
      await a.ready();
      expect(a.status().map((s) => [s.issuer, s.state])).toEqual([
        [idp.issuer, 'fresh'],
        [second.issuer, 'fresh'],
      ]);
    });

    test('ready() rejects when a provider cannot be reached, so start-up can fail fast', async () => {
      second.setOutage('error');
      try {
        await expect(createAuth(options()).ready()).rejects.toThrow(
          `${second.issuer}/.well-known/openid-configuration answered HTTP 500`,
        );
      } finally {
        second.setOutage(undefined);
      }
    });
  });

  test('answers 503 with Retry-After when the key is unknown and the provider is down', async () => {
    const a = await app(createAuth(options()));
    idp.setOutage('refuse');
    try {
      const res = await send(`${a}/any`, { headers: bearer(await idp.mint()) });
      expectUnavailable(res, 1);
      expect(res.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: "the identity provider cannot be reached to fetch the token's key",
      });
    } finally {
      idp.setOutage(undefined);
    }
  });
});
