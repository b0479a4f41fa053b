import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { AuthError, InsufficientScopeError, ProviderUnavailableError } from '../../../src/core/errors.js';
import { errorHeaders } from '../../../src/express/error-response.js';
import { createAuth, sendAuthError, type Auth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import {
  bearer,
  expectChallenge,
  expectUnavailable,
  send,
  serve,
  type HttpResponse,
  type Served,
} from '../../helpers/http.js';

let idp: FakeProvider;
let down: FakeProvider;
const servers: Served[] = [];

beforeAll(async () => {
  [idp, down] = await Promise.all([startFakeProvider(), startFakeProvider({ realm: 'down' })]);
  down.setOutage('error');
});
afterAll(async () => {
  await Promise.all([...servers.map((s) => s.close()), idp.close(), down.close()]);
});

const ok: RequestHandler = (_req, res) => void res.json({ message: 'ok' });

async function serveApp(build: (app: express.Express, auth: Auth) => void): Promise<string> {
  const auth = createAuth({
    issuer: [idp.issuer, down.issuer],
    audience: 'test-api',
    realm: 'myorg',
    passErrors: true,
  });
  const app = express();
  build(app, auth);
  const served = await serve(app);
  servers.push(served);
  return served.url;
}

function routes(app: express.Express, auth: Auth): void {
  app.get('/any', auth.requireAuth(), ok);
  app.get('/scoped', auth.requireAuth('test_api_access'), ok);
  app.get('/boom', () => {
    throw new Error('not ours');
  });
}

/** The cases every error path must answer alike. */
const CASES: Array<[string, string, () => Promise<Record<string, string>>, (res: HttpResponse) => void]> = [
  ['no credentials', '/any', async () => ({}), (res) => expectChallenge(res, 401, 'unauthorized')],
  [
    'an invalid token',
    '/any',
    async () => bearer('x.y.z'),
    (res) => expectChallenge(res, 401, 'invalid_token', 'token header is not valid base64url'),
  ],
  [
    'a malformed request',
    '/any',
    async () => ({ authorization: 'Bearer ' }),
    (res) => expectChallenge(res, 400, 'invalid_request', '"Authorization: Bearer" carries no token'),
  ],
  [
    'a missing scope',
    '/scoped',
    async () => bearer(await idp.mint()),
    (res) =>
      expectChallenge(
        res,
        403,
        'insufficient_scope',
        'token lacks a required scope (needs all of: test_api_access)',
        'test_api_access',
      ),
  ],
  ['an unreachable provider', '/any', async () => bearer(await down.mint()), (res) => expectUnavailable(res, 1)],
];

describe('passErrors', () => {
  let withHandler: string;
  let finalOnly: string;
  let seen: unknown[];
  beforeAll(async () => {
    seen = [];
    withHandler = await serveApp((app, auth) => {
      routes(app, auth);
      app.use(auth.errorHandler());
    });
    const record: ErrorRequestHandler = (error, _req, _res, next) => {
      seen.push(error);
      next(error);
    };
    finalOnly = await serveApp((app, auth) => {
      routes(app, auth);
      app.use(record);
    });
  });

  test.each(CASES)(
    'errorHandler() answers %s exactly as the guard itself does',
    async (_what, route, headers, expectAnswer) => {
      expectAnswer(await send(`${withHandler}${route}`, { headers: await headers() }));
    },
  );

  test.each(CASES)(
    "Express's own final handler answers %s with the error's status and headers",
    async (_what, route, headers) => {
      seen.length = 0;
      const res = await send(`${finalOnly}${route}`, { headers: await headers() });
      const error = seen[0] as AuthError;
      expect(error).toBeInstanceOf(AuthError);
      expect(res.status).toBe(error.status);
      expect(error.headers).toBeDefined();
      for (const [name, value] of Object.entries(error.headers!)) expect(res.headers[name.toLowerCase()]).toBe(value);
      if (error.status === 503) expect(res.headers['retry-after']).toBe('1');
      else expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="myorg"/);
    },
  );

  test('the error passed on carries the same challenge the guard would send', async () => {
    seen.length = 0;
    await send(`${finalOnly}/scoped`, { headers: bearer(await idp.mint()) });
    expect((seen[0] as AuthError).headers).toEqual({
      'WWW-Authenticate': `Bearer realm="myorg", error="insufficient_scope", error_description="token lacks a required scope (needs all of: test_api_access)", scope="test_api_access"`,
    });
  });

  test('errorHandler() hands errors that are not ours to the next error handler', async () => {
    const res = await send(`${withHandler}/boom`);
    expect(res.status).toBe(500);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  test('the route handler is never reached when the guard passes an error on', async () => {
    let reached = false;
    const url = await serveApp((app, auth) => {
      app.get('/x', auth.requireAuth(), () => {
        reached = true;
      });
      app.use(auth.errorHandler());
    });
    expect((await send(`${url}/x`)).status).toBe(401);
    expect(reached).toBe(false);
  });
});

describe('errorHeaders', () => {
  test('is Retry-After for a 503', () => {
    expect(errorHeaders(new ProviderUnavailableError('down', 7, { reason: 'provider_unavailable' }), 'myorg')).toEqual({
      'Retry-After': '7',
    });
  });

  test('is the challenge otherwise', () => {
    expect(
      errorHeaders(new InsufficientScopeError('needs a', { reason: 'insufficient_scope', scopes: ['a'] }), 'r'),
    ).toEqual({
      'WWW-Authenticate': 'Bearer realm="r", error="insufficient_scope", error_description="needs a", scope="a"',
    });
  });
});

describe('sendAuthError', () => {
  test('renders status, headers and the JSON body, never a stack', async () => {
    const app = express();
    app.get('/', (_req, res) =>
      sendAuthError(
        res,
        new InsufficientScopeError('token lacks the realm role "admin"', { reason: 'insufficient_role' }),
        'myorg',
      ),
    );
    const served = await serve(app);
    servers.push(served);
    const res = await send(served.url);
    expectChallenge(res, 403, 'insufficient_scope', 'token lacks the realm role "admin"');
    expect(res.text).not.toMatch(/\bat \w|stack/);
  });
});
