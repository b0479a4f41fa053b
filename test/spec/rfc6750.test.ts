/**
 * The contract's answer table (shared/demo-contract.md, "Answers to a request that does not get through"),
 * driven over real HTTP against the demo app on 127.0.0.1:0 with a fake provider.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { DEMO_RESOURCE_METADATA, expectChallenge, startDemo } from '../helpers/demo.js';
import {
  bearer,
  expectUnavailable,
  parseRaw,
  rawStatus,
  send,
  sendRaw,
  type HttpResponse,
  type Served,
} from '../helpers/http.js';

const SECRET_SUB = 'sub-that-must-never-leak';
let idp: FakeProvider;
let down: FakeProvider; // a provider that cannot be reached
let demo: Served;
let downDemo: Served;

beforeAll(async () => {
  [idp, down] = await Promise.all([startFakeProvider(), startFakeProvider()]);
  down.setOutage('refuse');
  [demo, downDemo] = await Promise.all([startDemo(idp), startDemo(down)]);
});
afterAll(async () => {
  await Promise.all([demo.close(), downDemo.close(), idp.close(), down.close()]);
});

const token = (claims: Record<string, unknown> = {}) => idp.mint({ sub: SECRET_SUB, ...claims });
const get = (path: string, headers: Record<string, string | string[]> = {}) => send(`${demo.url}${path}`, { headers });

interface Row {
  readonly case: string;
  readonly status: 400 | 401 | 403 | 503;
  readonly error:
    'unauthorized' | 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';
  readonly description?: string;
  readonly scope?: string;
  readonly request: () => Promise<HttpResponse>;
}

const TABLE: Row[] = [
  { case: 'no credentials', status: 401, error: 'unauthorized', request: () => get('/api/private') },
  {
    case: 'credentials of the Basic scheme',
    status: 401,
    error: 'unauthorized',
    request: () => get('/api/private', { authorization: 'Basic dXNlcjpwYXNz' }),
  },
  {
    case: 'credentials of the JWT scheme',
    status: 401,
    error: 'unauthorized',
    request: async () => get('/api/private', { authorization: `JWT ${await token()}` }),
  },
  {
    case: 'credentials of the Digest scheme',
    status: 401,
    error: 'unauthorized',
    request: () => get('/api/private', { authorization: 'Digest username="a"' }),
  },
  {
    case: 'two Authorization headers',
    status: 400,
    error: 'invalid_request',
    description: 'more than one "Authorization" header',
    request: async () => get('/api/private', { authorization: [`Bearer ${await token()}`, `Bearer ${await token()}`] }),
  },
  {
    case: 'two Authorization headers, the second of another scheme',
    status: 400,
    error: 'invalid_request',
    description: 'more than one "Authorization" header',
    request: async () =>
      parseRaw(
        await sendRaw(
          demo.port,
          `GET /api/private HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${await token()}\r\nauthorization: Basic eA==\r\nConnection: close\r\n\r\n`,
        ),
      ),
  },
  {
    case: 'a token in the query and in the header',
    status: 400,
    error: 'invalid_request',
    description: 'the token was sent in more than one place',
    request: async () => {
      const t = await token();
      return get(`/api/private?access_token=${t}`, bearer(t));
    },
  },
  {
    case: '"Bearer" with no token',
    status: 400,
    error: 'invalid_request',
    description: '"Authorization: Bearer" carries no token',
    request: () => get('/api/private', { authorization: 'Bearer' }),
  },
  {
    case: '"Bearer " with only spaces',
    status: 400,
    error: 'invalid_request',
    description: '"Authorization: Bearer" carries no token',
    request: () => get('/api/private', { authorization: 'Bearer    ' }),
  },
  {
    case: 'an invalid token (expired)',
    status: 401,
    error: 'invalid_token',
    description: 'token has expired',
    request: async () => get('/api/private', bearer(await idp.mint({ sub: SECRET_SUB }, { expiresIn: -60 }))),
  },
  {
    case: 'an invalid token (no aud)',
    status: 401,
    error: 'invalid_token',
    description: 'token has no "aud" claim; add an Audience mapper for "test-api" to the client',
    request: async () => get('/api/private', bearer(await token({ aud: undefined }))),
  },
  {
    case: 'an invalid token (garbage)',
    status: 401,
    error: 'invalid_token',
    description: 'token is not a compact JWS (three base64url parts)',
    request: () => get('/api/private', bearer(SECRET_SUB)),
  },
  {
    case: 'a valid token lacking the scope of /api/private-scoped',
    status: 403,
    error: 'insufficient_scope',
    description: 'token lacks a required scope (needs all of: test_api_access)',
    scope: 'test_api_access',
    request: async () => get('/api/private-scoped', bearer(await token({ scope: 'profile email' }))),
  },
  {
    case: 'a valid token lacking one scope of /api/private-scoped-all',
    status: 403,
    error: 'insufficient_scope',
    description: 'token lacks a required scope (needs all of: test_api_access email)',
    scope: 'test_api_access email',
    request: async () => get('/api/private-scoped-all', bearer(await token({ scope: 'test_api_access' }))),
  },
  {
    case: 'a valid token lacking the admin role',
    status: 403,
    error: 'insufficient_scope',
    description: 'token lacks the realm role "admin"',
    request: async () => get('/api/admin', bearer(await token({ realm_access: { roles: ['user'] } }))),
  },
  {
    case: 'an unknown key while the identity provider cannot be reached',
    status: 503,
    error: 'temporarily_unavailable',
    description: "the identity provider cannot be reached to fetch the token's key",
    request: async () => send(`${downDemo.url}/api/private`, { headers: bearer(await down.mint({ sub: SECRET_SUB })) }),
  },
];

describe('RFC 6750 answers of the demo server', () => {
  test.each(TABLE.map((row) => [`${row.case} → ${row.status} ${row.error}`, row] as const))(
    '%s',
    async (_title, row) => {
      const res = await row.request();
      if (row.status === 503) {
        expectUnavailable(res, 1);
        expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: row.description });
      } else {
        expectChallenge(
          res,
          row.status,
          row.error as Exclude<Row['error'], 'temporarily_unavailable'>,
          row.description,
          row.scope,
        );
      }
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    },
  );

  test.each(TABLE.map((row) => [row.case, row] as const))(
    'leaks nothing of the token and never reaches the handler: %s',
    async (_title, row) => {
      const res = await row.request();
      expect(res.text).not.toContain(SECRET_SUB);
      expect(res.text).not.toMatch(/eyJ|\bat .*\.(js|ts):\d+|-----BEGIN/);
      expect(res.body).not.toHaveProperty('message');
    },
  );

  test('a role refusal names the role and carries no scope attribute', async () => {
    const res = await get('/api/admin', bearer(await token()));
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="myorg", error="insufficient_scope", error_description="token lacks the realm role 'admin'", resource_metadata="${DEMO_RESOURCE_METADATA}"`,
    );
  });

  test('request headers over 16 KB → 431 from Node', async () => {
    const answer = await sendRaw(
      demo.port,
      `GET /api/private HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`,
    );
    expect(rawStatus(answer)).toBe(431);
  });

  test('a token of over 16 KB in Authorization → 431 from Node', async () => {
    const res = await sendRaw(
      demo.port,
      `GET /api/private HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'a'.repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`,
    );
    expect(rawStatus(res)).toBe(431);
  });

  test('a valid token with what the route needs gets through → 200 with a JSON message', async () => {
    const res = await get('/api/private-scoped-all', bearer(await token({ scope: 'email test_api_access' })));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: expect.any(String) });
  });
});
