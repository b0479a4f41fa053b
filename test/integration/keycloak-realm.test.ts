// Smoke test of keycloak/*-realm.json on a real Keycloak, with plain fetch: every client, scope, mapper, role
// and user that the guard's integration tests rely on is there and behaves as keycloak/README.md says.
import { describe, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  createRemoteJWKSet,
  decodeJwt,
  generateKeyPair,
  importPKCS8,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
const SIGNED_JWT_KEY = new URL('../../keycloak/dev-only/test_signed_jwt_client.key.pem', import.meta.url);
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function requestToken(
  form: Record<string, string>,
  options: { realm?: string; basic?: [string, string] } = {},
): Promise<TokenAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.basic) {
    const [id, secret] = options.basic.map(encodeURIComponent);
    headers['authorization'] = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }
  const response = await fetch(keycloak.tokenEndpoint(options.realm), {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function clientCredentials(clientId: string, scope?: string, realm?: string): Promise<JWTPayload> {
  const form: Record<string, string> = { grant_type: 'client_credentials', ...(scope ? { scope } : {}) };
  const answer = await requestToken(form, { realm, basic: [clientId, `${clientId}_dev_secret`] });
  expect(answer.status).toBe(200);
  return decodeJwt(String(answer.body['access_token']));
}

function audiences(payload: JWTPayload): string[] {
  return typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
}

function scopes(payload: JWTPayload): string[] {
  return typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
}

function realmRoles(payload: JWTPayload): unknown {
  return (payload['realm_access'] as { roles?: unknown } | undefined)?.roles;
}

async function signedJwtAssertion(key: CryptoKey, audience: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer('test_signed_jwt_client')
    .setSubject('test_signed_jwt_client')
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key);
}

describe(`realm myorg on Keycloak (${keycloak.source})`, () => {
  test('signs a test_api_client token that verifies against the realm JWKS with aud test-api, azp test_api_client and typ Bearer', async () => {
    const answer = await requestToken(
      { grant_type: 'client_credentials' },
      { basic: ['test_api_client', 'test_api_client_dev_secret'] },
    );
    expect(answer.status).toBe(200);
    const jwks = createRemoteJWKSet(new URL(`${keycloak.issuer('myorg')}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(String(answer.body['access_token']), jwks, {
      issuer: keycloak.issuer('myorg'),
      audience: 'test-api',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(audiences(payload)).toContain('test-api');
    expect(payload['azp']).toBe('test_api_client');
    expect(payload['typ']).toBe('Bearer');
    expect(payload.sub).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  test('puts test_api_access in scope only when the client asks for it', async () => {
    expect(scopes(await clientCredentials('test_api_client'))).not.toContain('test_api_access');
    expect(scopes(await clientCredentials('test_api_client', 'test_api_access'))).toContain('test_api_access');
  });

  test('lets a token carry both test_api_access and email, and email only when asked for', async () => {
    expect(scopes(await clientCredentials('test_api_client', 'test_api_access'))).not.toContain('email');
    expect(scopes(await clientCredentials('test_api_client', 'test_api_access email'))).toEqual(
      expect.arrayContaining(['test_api_access', 'email']),
    );
  });

  test('gives test_admin_client the realm role admin, with aud test-api, and test_api_client not', async () => {
    const admin = await clientCredentials('test_admin_client');
    expect(realmRoles(admin)).toContain('admin');
    expect(audiences(admin)).toContain('test-api');
    expect(realmRoles(await clientCredentials('test_api_client'))).not.toContain('admin');
  });

  test('refuses a wrong client secret with 401 unauthorized_client', async () => {
    const answer = await requestToken({ grant_type: 'client_credentials' }, { basic: ['test_api_client', 'wrong'] });
    expect(answer.status).toBe(401);
    expect(answer.body['error']).toBe('unauthorized_client'); // Keycloak's code for a wrong secret
  });

  test('refuses the password grant for the service-account-only test_api_client', async () => {
    const answer = await requestToken(
      { grant_type: 'password', username: 'test_user', password: 'test_user_dev_password' },
      { basic: ['test_api_client', 'test_api_client_dev_secret'] },
    );
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('unauthorized_client');
  });

  test('accepts a private_key_jwt assertion of test_signed_jwt_client signed with the dev key', async () => {
    const key = await importPKCS8(await readFile(SIGNED_JWT_KEY, 'utf8'), 'RS256');
    const answer = await requestToken({
      grant_type: 'client_credentials',
      scope: 'test_api_access',
      client_id: 'test_signed_jwt_client',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await signedJwtAssertion(key, keycloak.issuer('myorg')),
    });
    expect(answer.status).toBe(200);
    const payload = decodeJwt(String(answer.body['access_token']));
    expect(payload['azp']).toBe('test_signed_jwt_client');
    expect(audiences(payload)).toContain('test-api');
    expect(scopes(payload)).toContain('test_api_access');
  });

  test('refuses a test_signed_jwt_client assertion signed with another key with 400 invalid_client', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const answer = await requestToken({
      grant_type: 'client_credentials',
      client_id: 'test_signed_jwt_client',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await signedJwtAssertion(privateKey, keycloak.issuer('myorg')),
    });
    expect(answer.status).toBe(400); // Keycloak answers a bad assertion signature with 400, not 401
    expect(answer.body['error']).toBe('invalid_client');
  });

  test('gives test_user an access token, an ID token (typ ID) and a refresh token (typ Refresh) by the password grant', async () => {
    const answer = await requestToken({
      grant_type: 'password',
      client_id: 'test_direct_grant_client',
      username: 'test_user',
      password: 'test_user_dev_password',
      scope: 'openid',
    });
    expect(answer.status).toBe(200);
    const access = decodeJwt(String(answer.body['access_token']));
    const id = decodeJwt(String(answer.body['id_token']));
    const refresh = decodeJwt(String(answer.body['refresh_token']));
    expect(access['typ']).toBe('Bearer');
    expect(access['preferred_username']).toBe('test_user');
    expect(audiences(access)).toContain('test-api');
    expect(id['typ']).toBe('ID');
    expect(id.iss).toBe(keycloak.issuer('myorg'));
    expect(audiences(id)).toEqual(expect.arrayContaining(['test_direct_grant_client', 'test-api']));
    expect(refresh['typ']).toBe('Refresh');
    expect(refresh.iss).toBe(keycloak.issuer('myorg'));
  });
});

describe(`realm other on Keycloak (${keycloak.source})`, () => {
  test('issues look-alike tokens (same client, secret and audience) whose iss names realm other', async () => {
    const payload = await clientCredentials('test_api_client', 'test_api_access', 'other');
    expect(payload.iss).toBe(keycloak.issuer('other'));
    expect(payload.iss).not.toBe(keycloak.issuer('myorg'));
    expect(payload['azp']).toBe('test_api_client');
    expect(audiences(payload)).toContain('test-api');
    expect(scopes(payload)).toContain('test_api_access');
    expect(realmRoles(await clientCredentials('test_admin_client', undefined, 'other'))).toContain('admin');
  });
});
