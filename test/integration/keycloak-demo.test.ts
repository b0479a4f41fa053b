// The demo API and the client against a real Keycloak: every route, every client of the realm,
// foreign tokens, key rotation through Keycloak's admin API, and Keycloak becoming unreachable.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { clientCredentialsGrant, clientSecretBasic, discovery, privateKeyJwt } from '../../src/client/index.js';
import { startDemoServer, type DemoServerProcess } from '../helpers/demo-server.js';
import { startKeycloak, type RunningKeycloak } from '../../scripts/keycloak/index.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
const run = promisify(execFile);

async function tokenFor(clientId: string, scopes: string[] = [], realm = 'myorg'): Promise<string> {
  const config = await discovery({
    issuer: keycloak.issuer(realm),
    clientId,
    clientAuth: clientSecretBasic(`${clientId}_dev_secret`),
  });
  return (await clientCredentialsGrant(config, { scopes })).token;
}

async function passwordGrant(): Promise<{ id_token: string; refresh_token: string }> {
  const response = await fetch(keycloak.tokenEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'test_direct_grant_client',
      username: 'test_user',
      password: 'test_user_dev_password',
      scope: 'openid',
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id_token: string; refresh_token: string };
}

async function adminToken(): Promise<string> {
  const response = await fetch(`${keycloak.url}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...keycloak.admin }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('the demo API against a real Keycloak', () => {
  let api: DemoServerProcess;
  const get = (path: string, token?: string, server: DemoServerProcess = api) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    api = await startDemoServer({ ISSUER_URL: keycloak.issuer(), AUDIENCE: 'test-api' });
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
  });

  test('admits a client-credentials token of test_api_client on /api/private and names the client on /api/me', async () => {
    const token = await tokenFor('test_api_client');
    expect((await get('/api/private', token)).status).toBe(200);
    const me = await get('/api/me', token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ client_id: 'test_api_client', sub: decodeJwt(token).sub });
  });

  test('admits /api/private-scoped only when test_api_access was asked for, else 403 insufficient_scope', async () => {
    expect((await get('/api/private-scoped', await tokenFor('test_api_client', ['test_api_access']))).status).toBe(200);
    const refused = await get('/api/private-scoped', await tokenFor('test_api_client'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="myorg", error="insufficient_scope", error_description="token lacks a required scope (needs all of: test_api_access)", scope="test_api_access", resource_metadata="${api.url}/.well-known/oauth-protected-resource"`,
    );
    expect(await refused.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  test('admits /api/private-scoped-all with both scopes and refuses it with one', async () => {
    expect(
      (await get('/api/private-scoped-all', await tokenFor('test_api_client', ['test_api_access', 'email']))).status,
    ).toBe(200);
    expect((await get('/api/private-scoped-all', await tokenFor('test_api_client', ['test_api_access']))).status).toBe(
      403,
    );
  });

  test('admits the admin client on /api/admin and refuses test_api_client with 403', async () => {
    expect((await get('/api/admin', await tokenFor('test_admin_client'))).status).toBe(200);
    const refused = await get('/api/admin', await tokenFor('test_api_client'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'token lacks the realm role "admin"',
    });
  });

  test('admits a token that test_signed_jwt_client got with private_key_jwt', async () => {
    const pem = await readFile(
      new URL('../../keycloak/dev-only/test_signed_jwt_client.key.pem', import.meta.url),
      'utf8',
    );
    const { createPrivateKey } = await import('node:crypto');
    const config = await discovery({
      issuer: keycloak.issuer(),
      clientId: 'test_signed_jwt_client',
      clientAuth: privateKeyJwt(createPrivateKey(pem)),
    });
    const token = (await clientCredentialsGrant(config, { scopes: ['test_api_access'] })).token;
    expect(decodeJwt(token).azp).toBe('test_signed_jwt_client');
    expect((await get('/api/private-scoped', token)).status).toBe(200);
  });

  test('refuses a token of the look-alike realm "other" with 401 invalid_token', async () => {
    const response = await get('/api/private', await tokenFor('test_api_client', [], 'other'));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: `token "iss" is not a trusted issuer; expected "${keycloak.issuer()}"`,
    });
  });

  test('refuses a Keycloak ID token and a refresh token sent as access tokens', async () => {
    const { id_token, refresh_token } = await passwordGrant();
    const id = await get('/api/private', id_token);
    expect(id.status).toBe(401);
    expect(((await id.json()) as { error_description: string }).error_description).toMatch(/ID token/);
    const refresh = await get('/api/private', refresh_token);
    expect(refresh.status).toBe(401);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_token' });
  });

  test('picks up a key added through the admin API without restart, and keeps accepting tokens of the old key', async () => {
    const before = await tokenFor('test_api_client');
    expect((await get('/api/private', before)).status).toBe(200);
    const admin = await adminToken();
    const realm = (await (
      await fetch(`${keycloak.url}/admin/realms/myorg`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { id: string };
    const created = await fetch(`${keycloak.url}/admin/realms/myorg/components`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'rotated-rsa',
        providerId: 'rsa-generated',
        providerType: 'org.keycloak.keys.KeyProvider',
        parentId: realm.id,
        config: { priority: ['500'], enabled: ['true'], active: ['true'], algorithm: ['RS256'], keySize: ['2048'] },
      }),
    });
    expect(created.status).toBe(201);
    try {
      const after = await tokenFor('test_api_client');
      expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
      expect((await get('/api/private', after)).status).toBe(200);
      expect((await get('/api/private', before)).status).toBe(200);
    } finally {
      const location = created.headers.get('location')!;
      await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    }
  });

  test("runs the CLI's call against the running pair", async () => {
    const { stdout } = await run(process.execPath, [
      'node_modules/tsx/dist/cli.mjs',
      'src/cli/main.ts',
      'call',
      `${api.url}/api/private-scoped`,
      '--issuer',
      keycloak.issuer(),
    ]);
    expect(stdout).toMatch(/HTTP 200/);
  }, 60_000);
});

describe('the demo API when its Keycloak is stopped', () => {
  // A Keycloak of this describe's own (the suite's one keeps running for the other files), stopped mid-test.
  let own: RunningKeycloak;
  let api: DemoServerProcess;

  beforeAll(async () => {
    own = await startKeycloak({ port: 0, log: (line) => process.stderr.write(`[own keycloak] ${line}\n`) });
    api = await startDemoServer({ ISSUER_URL: own.issuer() });
  }, 240_000);
  afterAll(async () => {
    await api?.stop();
    await own?.stop();
  });

  test('keeps verifying tokens of known keys, and answers 503 with Retry-After for an unknown key', async () => {
    const grant = async (scopes: string[]) => {
      const config = await discovery({
        issuer: own.issuer(),
        clientId: 'test_api_client',
        clientAuth: clientSecretBasic('test_api_client_dev_secret'),
      });
      return (await clientCredentialsGrant(config, { scopes })).token;
    };
    const headers = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const known = await grant([]);
    expect((await fetch(`${api.url}/api/private`, headers(known))).status).toBe(200); // keys fetched
    const unseen = await grant(['email']); // same key, never shown to the API before Keycloak stops
    await own.stop();
    expect((await fetch(`${api.url}/api/private`, headers(unseen))).status).toBe(200);
    const [h, p, s] = unseen.split('.') as [string, string, string];
    const header = { ...JSON.parse(Buffer.from(h, 'base64url').toString()), kid: 'a-key-keycloak-never-published' };
    const unknownKey = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
    const unavailable = await fetch(`${api.url}/api/private`, headers(unknownKey));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await unavailable.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
