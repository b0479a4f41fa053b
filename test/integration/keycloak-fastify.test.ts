// The demo API served through Fastify (FRAMEWORK=fastify) against a real Keycloak: every route answers exactly
// as the Express demo does, for the same real tokens.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { clientCredentialsGrant, clientSecretBasic, discovery } from '../../src/client/index.js';
import { startDemoServer, type DemoServerProcess } from '../helpers/demo-server.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();

async function tokenFor(clientId: string, scopes: string[] = []): Promise<string> {
  const config = await discovery({
    issuer: keycloak.issuer(),
    clientId,
    clientAuth: clientSecretBasic(`${clientId}_dev_secret`),
  });
  return (await clientCredentialsGrant(config, { scopes })).token;
}

interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly body: unknown;
}

async function call(server: DemoServerProcess, path: string, token?: string, method = 'GET'): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

describe('the demo API through Fastify against a real Keycloak', () => {
  let fastify: DemoServerProcess;
  let express: DemoServerProcess;

  beforeAll(async () => {
    [fastify, express] = await Promise.all([
      // One RESOURCE for both, so that their challenges (resource_metadata) can be compared as they are.
      startDemoServer({ ISSUER_URL: keycloak.issuer(), FRAMEWORK: 'fastify', RESOURCE: 'http://127.0.0.1:50100' }),
      startDemoServer({ ISSUER_URL: keycloak.issuer(), FRAMEWORK: 'express', RESOURCE: 'http://127.0.0.1:50100' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([fastify?.stop(), express?.stop()]);
  });

  test('says which framework serves it when it starts', () => {
    expect(fastify.output()).toContain('(fastify,');
    expect(express.output()).toContain('(express,');
  });

  test('answers every route exactly as the Express demo does, for tokens with and without the scope', async () => {
    const scoped = await tokenFor('test_api_client', ['test_api_access']);
    const plain = await tokenFor('test_api_client');
    const routes = ['/api/public', '/api/private', '/api/private-scoped', '/api/private-scoped-all', '/api/admin'];
    const statuses: number[] = [];
    for (const path of routes) {
      for (const token of [undefined, scoped, plain, `${scoped.slice(0, -4)}AAAA`]) {
        const [viaFastify, viaExpress] = await Promise.all([call(fastify, path, token), call(express, path, token)]);
        expect(viaFastify).toEqual(viaExpress);
        statuses.push(viaFastify.status);
      }
    }
    // The comparison covered admissions and every kind of refusal, not one answer many times.
    expect(new Set(statuses)).toEqual(new Set([200, 401, 403]));
  });

  test('names the client on /api/me and refuses a token after POST /api/logout', async () => {
    const token = await tokenFor('test_api_client');
    const me = await call(fastify, '/api/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ client_id: 'test_api_client' });
    expect((await call(fastify, '/api/logout', token, 'POST')).status).toBe(200);
    const after = await call(fastify, '/api/private', token);
    expect(after.status).toBe(401);
    expect(after.challenge).toContain('error="invalid_token"');
  });
});
