/** Every route of the demo server (shared/demo-contract.md, "Routes"), over real HTTP on 127.0.0.1:0. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { expectChallenge, startDemo } from '../helpers/demo.js';
import { bearer, expectUnavailable, send, type Served } from '../helpers/http.js';

let idp: FakeProvider;
let bare: FakeProvider; // no discovery document: Keycloak's certs endpoint is the fallback
let demo: Served;

beforeAll(async () => {
  [idp, bare] = await Promise.all([startFakeProvider(), startFakeProvider({ discovery: false })]);
  demo = await startDemo(idp);
});
afterAll(async () => {
  await Promise.all([demo.close(), idp.close(), bare.close()]);
});

const get = async (path: string, claims?: Record<string, unknown>, url = demo.url) =>
  send(`${url}${path}`, { headers: claims === undefined ? {} : bearer(await idp.mint(claims)) });

describe('GET /api/public', () => {
  test('answers everyone with a JSON message, no token needed', async () => {
    const res = await get('/api/public');
    expect(res).toMatchObject({ status: 200, body: { message: expect.any(String) } });
  });

  test('ignores an invalid token', async () => {
    const res = await send(`${demo.url}/api/public`, { headers: bearer('garbage') });
    expect(res.status).toBe(200);
  });
});

type Route = [
  path: string,
  granting: Record<string, unknown>,
  lacking: Record<string, unknown> | undefined,
  description: string | undefined,
  scope: string | undefined,
];
const ROUTES: Route[] = [
  ['/api/private', {}, undefined, undefined, undefined],
  [
    '/api/private-scoped',
    { scope: 'test_api_access' },
    { scope: 'email profile' },
    'token lacks a required scope (needs all of: test_api_access)',
    'test_api_access',
  ],
  [
    '/api/private-scoped-all',
    { scope: 'openid test_api_access email' },
    { scope: 'test_api_access' },
    'token lacks a required scope (needs all of: test_api_access email)',
    'test_api_access email',
  ],
  [
    '/api/admin',
    { realm_access: { roles: ['admin'] } },
    { realm_access: { roles: ['default-roles-myorg'] } },
    'token lacks the realm role "admin"',
    undefined,
  ],
];

describe.each(ROUTES)('GET %s', (path, granting, lacking, description, scope) => {
  test('admits a token with what the route needs, answering a JSON message', async () => {
    const res = await get(path, granting);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: expect.any(String) });
  });

  test('answers 401 without a token', async () => {
    expectChallenge(await get(path), 401, 'unauthorized');
  });

  test('answers 401 invalid_token for a token of another audience', async () => {
    expectChallenge(
      await get(path, { ...granting, aud: 'account' }),
      401,
      'invalid_token',
      'token "aud" does not include "test-api"; add an Audience mapper for it to the client',
    );
  });

  if (lacking !== undefined) {
    test('answers 403 insufficient_scope to a valid token lacking what it needs', async () => {
      expectChallenge(await get(path, lacking), 403, 'insufficient_scope', description, scope);
    });
  }
});

describe('GET /api/me', () => {
  test('answers sub, client_id from azp, scopes and realm roles as arrays', async () => {
    const res = await get('/api/me', {
      sub: 'user-42',
      azp: 'test_api_client',
      scope: 'openid test_api_access',
      realm_access: { roles: ['admin', 'user'] },
    });
    expect(res).toMatchObject({ status: 200 });
    expect(res.body).toEqual({
      message: expect.any(String),
      sub: 'user-42',
      client_id: 'test_api_client',
      scopes: ['openid', 'test_api_access'],
      roles: ['admin', 'user'],
    });
  });

  test('takes client_id from the client_id claim when there is no azp (RFC 9068)', async () => {
    const res = await get('/api/me', { azp: undefined, client_id: 'rfc9068-client' });
    expect(res.body).toMatchObject({ client_id: 'rfc9068-client' });
  });

  test('prefers azp over client_id', async () => {
    expect((await get('/api/me', { azp: 'from-azp', client_id: 'from-client-id' })).body).toMatchObject({
      client_id: 'from-azp',
    });
  });

  test('answers empty arrays for a token without scope or realm roles', async () => {
    const res = await get('/api/me', { scope: undefined, realm_access: undefined });
    expect(res.body).toMatchObject({ scopes: [], roles: [] });
  });

  test('answers 401 without a token', async () => {
    expectChallenge(await get('/api/me'), 401, 'unauthorized');
  });
});

describe('POST /api/logout', () => {
  test('revokes that token: 2xx, then 401 invalid_token for it on every route, while other tokens still pass', async () => {
    const token = await idp.mint({ sub: 'leaving' });
    const other = await idp.mint({ sub: 'leaving' });
    const out = await send(`${demo.url}/api/logout`, { method: 'POST', headers: bearer(token) });
    expect(out.status).toBeGreaterThanOrEqual(200);
    expect(out.status).toBeLessThan(300);
    expect(out.body).toEqual({ message: expect.any(String) });
    for (const path of ['/api/private', '/api/me']) {
      expectChallenge(
        await send(`${demo.url}${path}`, { headers: bearer(token) }),
        401,
        'invalid_token',
        'token has been revoked',
      );
    }
    expectChallenge(
      await send(`${demo.url}/api/logout`, { method: 'POST', headers: bearer(token) }),
      401,
      'invalid_token',
      'token has been revoked',
    );
    expect((await send(`${demo.url}/api/private`, { headers: bearer(other) })).status).toBe(200);
  });

  test('answers 401 without a token', async () => {
    expectChallenge(await send(`${demo.url}/api/logout`, { method: 'POST' }), 401, 'unauthorized');
  });
});

describe('settings', () => {
  test('AUDIENCE=none turns the audience check off', async () => {
    const open = await startDemo(idp, { audience: false });
    try {
      expect((await get('/api/private', { aud: undefined }, open.url)).status).toBe(200);
      expect((await get('/api/private', { aud: 'account' }, open.url)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  test('AUDIENCE names the audience every token must contain', async () => {
    const other = await startDemo(idp, { audience: 'other-api' });
    try {
      expect((await get('/api/private', { aud: ['test-api', 'other-api'] }, other.url)).status).toBe(200);
      expectChallenge(
        await get('/api/private', {}, other.url),
        401,
        'invalid_token',
        'token "aud" does not include "other-api"; add an Audience mapper for it to the client',
      );
    } finally {
      await other.close();
    }
  });

  test('DISCOVERY_URL: keys come from the internal URL while iss stays pinned to ISSUER_URL', async () => {
    const internal = idp.issuer.replace('127.0.0.1', 'localhost');
    const aliased = await startDemo(idp, { discoveryUrl: internal });
    try {
      expect((await get('/api/private', {}, aliased.url)).status).toBe(200);
      expectChallenge(
        await get('/api/private', { iss: internal }, aliased.url),
        401,
        'invalid_token',
        `token "iss" is not a trusted issuer; expected "${idp.issuer}"`,
      );
    } finally {
      await aliased.close();
    }
  });

  test("falls back to Keycloak's certs endpoint when there is no discovery document (404)", async () => {
    const fallback = await startDemo(bare);
    try {
      const res = await send(`${fallback.url}/api/private`, { headers: bearer(await bare.mint()) });
      expect(res.status).toBe(200);
      expect(bare.requests.discovery).toBeGreaterThan(0);
      expect(bare.requests.jwks).toBeGreaterThan(0);
    } finally {
      await fallback.close();
    }
  });

  test('refuses a discovery document whose issuer is not exactly ISSUER_URL: 503, never a pass', async () => {
    const mismatch = `${idp.issuer}-public`;
    const refused = await startDemo(idp, { issuerUrl: mismatch });
    const jwksBefore = idp.requests.jwks;
    try {
      const res = await send(`${refused.url}/api/private`, { headers: bearer(await idp.mint({ iss: mismatch })) });
      expectUnavailable(res, 1);
      expect(idp.requests.jwks).toBe(jwksBefore);
    } finally {
      await refused.close();
    }
  });
});

describe('keys', () => {
  test('accepts a token signed with a key the provider has just rotated in, without restart', async () => {
    const fresh = await startDemo(idp);
    try {
      expect((await send(`${fresh.url}/api/private`, { headers: bearer(await idp.mint()) })).status).toBe(200);
      await idp.rotate();
      expect((await send(`${fresh.url}/api/private`, { headers: bearer(await idp.mint()) })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  test('keeps known keys working while the provider is down, and answers 503 with Retry-After for an unknown key', async () => {
    const fresh = await startDemo(idp);
    const old = await idp.mint();
    try {
      expect((await send(`${fresh.url}/api/private`, { headers: bearer(old) })).status).toBe(200);
      const retired = idp.currentKey;
      await idp.rotate();
      idp.setOutage('refuse');
      expect(
        (await send(`${fresh.url}/api/private`, { headers: bearer(await idp.mint({}, { key: retired })) })).status,
      ).toBe(200);
      const res = await send(`${fresh.url}/api/private`, { headers: bearer(await idp.mint()) });
      expectUnavailable(res, 10);
      expect(res.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: "the identity provider cannot be reached to fetch the token's key",
      });
    } finally {
      idp.setOutage(undefined);
      await fresh.close();
    }
  });
});

describe('the server process (npm run server)', () => {
  function run(env: Record<string, string>): {
    done: Promise<{ code: number | null; stdout: string; stderr: string }>;
    kill: () => void;
    stdout: () => string;
  } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/server.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
    return { done, kill: () => child.kill('SIGTERM'), stdout: () => stdout };
  }

  test('logs one line when it listens and serves the contract', async () => {
    const server = run({ ISSUER_URL: idp.issuer, PORT: '0', HOST: '127.0.0.1' });
    try {
      const start = Date.now();
      while (!server.stdout().includes('\n') && Date.now() - start < 15_000)
        await new Promise((r) => setTimeout(r, 20));
      const line = server.stdout().trim();
      expect(line.split('\n')).toHaveLength(1);
      const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1];
      expect(port).toBeDefined();
      const res = await send(`http://127.0.0.1:${port}/api/private`, { headers: bearer(await idp.mint()) });
      expect(res.status).toBe(200);
    } finally {
      server.kill();
    }
    expect((await server.done).code).toBe(0);
  }, 20_000);

  test.each([
    ['ISSUER_URL', { ISSUER_URL: 'not a url' }, 'ISSUER_URL must be a URL, got "not a url"'],
    ['PORT', { PORT: 'eighty' }, 'PORT must be a port number (0-65535), got "eighty"'],
    [
      'DISCOVERY_URL',
      { DISCOVERY_URL: 'ftp://x/realms/a' },
      'DISCOVERY_URL must be an http(s) URL, got "ftp://x/realms/a"',
    ],
    [
      'RESOURCE',
      { RESOURCE: 'http://127.0.0.1:50100/api' },
      'RESOURCE must be an origin (http(s)://host[:port], no path, no trailing slash), got "http://127.0.0.1:50100/api"',
    ],
  ])(
    'exits non-zero with a clear message on a bad %s',
    async (_name, env, message) => {
      const { code, stderr } = await run(env).done;
      expect(code).not.toBe(0);
      expect(stderr).toContain(message);
    },
    20_000,
  );
});
