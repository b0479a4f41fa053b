// Introspection (RFC 7662) and revocation (RFC 7009) against a real Keycloak: a token revoked at
// Keycloak through the client's revokeToken is refused by a guard in introspection mode within the cache TTL,
// while a guard trusting the JWT alone still accepts it until it expires.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import {
  clientCredentialsGrant,
  clientSecretBasic,
  discovery,
  revokeToken,
  type ClientConfiguration,
} from '../../src/client/index.js';
import { createAuth, type Auth, type IntrospectionOptions } from '../../src/index.js';
import { bearer, expectChallenge, expectUnavailable, send, serve, type Served } from '../helpers/http.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
// The API introspects as its own client, test-api: Keycloak answers an introspection only to a client named in
// the token's audience (keycloak/README.md). Tokens are got, and revoked, by test_api_client.
const RESOURCE_SERVER = { clientId: 'test-api', clientSecret: 'test-api_dev_secret' };
const CLIENT = { clientId: 'test_api_client', secret: 'test_api_client_dev_secret' };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TTL = 30_000;

const clock = { now: Date.now() };
const ok = (req: Request, res: Response) => void res.json({ sub: req.auth?.payload.sub, client: req.auth?.clientId });

/** A guard for the myorg realm on the test's clock that trusts the JWT alone. */
function plainGuard(): Auth {
  return createAuth({ issuer: keycloak.issuer(), audience: 'test-api', realm: 'myorg', now: () => clock.now });
}

/** The same guard, confirming tokens at Keycloak's introspection endpoint as `test-api`. */
function introspectingGuard(introspection: Partial<IntrospectionOptions> = {}): Auth {
  return createAuth({
    issuer: keycloak.issuer(),
    audience: 'test-api',
    realm: 'myorg',
    now: () => clock.now,
    introspection: { ...RESOURCE_SERVER, cacheTtl: TTL, ...introspection },
  });
}

/** Runs `npm run client -- revoke` as a process, the token on stdin. */
function cliRevoke(token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      `${ROOT}node_modules/.bin/tsx`,
      ['src/cli/main.ts', 'revoke', '--issuer', keycloak.issuer(), '--json'],
      {
        cwd: ROOT,
        env: { ...process.env, CLIENT_SECRET: CLIENT.secret },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(token);
  });
}

describe('introspection and revocation against a real Keycloak', () => {
  let config: ClientConfiguration;
  let served: Served;
  const get = (path: string, token: string) => send(`${served.url}${path}`, { headers: bearer(token) });
  const newToken = async () => (await clientCredentialsGrant(config, { scopes: ['test_api_access'] })).token;

  beforeAll(async () => {
    config = await discovery({
      issuer: keycloak.issuer(),
      clientId: CLIENT.clientId,
      clientAuth: clientSecretBasic(CLIENT.secret),
    });
    const introspecting = introspectingGuard();
    const plain = plainGuard();
    const perRoute = introspectingGuard({ everyRoute: false });
    const app = express();
    app.get('/introspected', introspecting.requireAuth('test_api_access'), ok);
    app.get('/plain', plain.requireAuth('test_api_access'), ok);
    app.get('/per-route/plain', perRoute.requireAuth('test_api_access'), ok);
    app.get('/per-route/active', perRoute.requireActiveToken('test_api_access'), ok);
    served = await serve(app);
  });
  afterAll(async () => {
    await served?.close();
  });

  test("discovers Keycloak's revocation endpoint for the client", () => {
    expect(config.revocationEndpoint).toBe(`${keycloak.issuer()}/protocol/openid-connect/revoke`);
  });

  test("admits an active token after confirming it at Keycloak's discovered introspection endpoint", async () => {
    clock.now = Date.now();
    const res = await get('/introspected', await newToken());
    expect(res).toMatchObject({ status: 200, body: { client: 'test_api_client' } });
  });

  test("gets 'not active' from Keycloak when introspecting as a client outside the token's audience", async () => {
    clock.now = Date.now();
    const outsider = introspectingGuard({ clientId: CLIENT.clientId, clientSecret: CLIENT.secret });
    await expect(outsider.verify(await newToken())).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'token is not active (introspection)',
    });
  });

  test('refuses a token revoked at Keycloak within the cache TTL, while a plain JWT guard still accepts it', async () => {
    clock.now = Date.now();
    const token = await newToken();
    expect((await get('/introspected', token)).status).toBe(200); // Keycloak's answer (active) is now cached
    expect((await get('/plain', token)).status).toBe(200);

    await revokeToken(config, token, { tokenTypeHint: 'access_token' });

    expect((await get('/plain', token)).status).toBe(200); // the JWT alone still looks valid
    expect((await get('/introspected', token)).status).toBe(200); // the cached answer is younger than the TTL
    clock.now += TTL;
    expectChallenge(await get('/introspected', token), 401, 'invalid_token', 'token is not active (introspection)');
    expect((await get('/plain', token)).status).toBe(200); // and still, until it expires
  });

  test('refuses a revoked token at once on a guard that has not cached it', async () => {
    clock.now = Date.now();
    const token = await newToken();
    await revokeToken(config, token);
    await expect(introspectingGuard().verify(token)).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'token is not active (introspection)',
    });
  });

  test('with everyRoute false, refuses the revoked token on requireActiveToken only', async () => {
    clock.now = Date.now();
    const token = await newToken();
    await revokeToken(config, token);
    expect((await get('/per-route/plain', token)).status).toBe(200);
    expectChallenge(await get('/per-route/active', token), 401, 'invalid_token', 'token is not active (introspection)');
  });

  test('revokes a token at Keycloak with npm run client -- revoke, after which introspection says inactive', async () => {
    clock.now = Date.now();
    const token = await newToken();
    const result = await cliRevoke(token);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ revoked: true, revocation_endpoint: config.revocationEndpoint });
    await expect(introspectingGuard().verify(token)).rejects.toMatchObject({
      message: 'token is not active (introspection)',
    });
  }, 60_000);

  test("answers 503 when Keycloak refuses the resource server's credentials, never a pass", async () => {
    clock.now = Date.now();
    const wrong = introspectingGuard({ clientSecret: 'not the secret' });
    const app = express();
    app.get('/x', wrong.requireAuth(), ok);
    const other = await serve(app);
    try {
      expectUnavailable(await send(`${other.url}/x`, { headers: bearer(await newToken()) }), 5);
    } finally {
      await other.close();
    }
  });
});
