// RFC 9728 metadata and step-up through the Fastify adapter: the same document and challenges as Express.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { createFastifyAuth } from '../../../src/fastify/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, send } from '../../helpers/http.js';

let idp: FakeProvider;
let app: FastifyInstance;
let url: string;
const METADATA = 'http://127.0.0.1:9/.well-known/oauth-protected-resource/api';

beforeAll(async () => {
  idp = await startFakeProvider();
  const auth = createFastifyAuth({
    issuer: idp.issuer,
    audience: 'test-api',
    realm: 'myorg',
    resource: 'http://127.0.0.1:9/api',
  });
  app = Fastify();
  await app.register(auth.protectedResource({ resourceDocumentation: 'https://docs.example.com/api' }));
  app.get('/api/scoped', { onRequest: auth.requireAuth(['test_api_access', 'email']) }, async () => ({ ok: true }));
  app.get('/api/gold', { onRequest: auth.requireAcr('gold', { maxAge: 60 }) }, async () => ({ ok: true }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all([app.close(), idp.close()]);
});

describe('protectedResource (Fastify)', () => {
  test('serves the document at the path-suffixed well-known URL, scopes collected from the guards', async () => {
    const answer = await send(`${url}/.well-known/oauth-protected-resource/api`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['cache-control']).toBe('public, max-age=3600');
    expect(answer.body).toEqual({
      resource: 'http://127.0.0.1:9/api',
      authorization_servers: [idp.issuer],
      scopes_supported: ['test_api_access', 'email'],
      bearer_methods_supported: ['header'],
      resource_documentation: 'https://docs.example.com/api',
    });
  });

  test('401 and 403 challenges name the metadata URL; 403 keeps its scope', async () => {
    expect((await send(`${url}/api/scoped`)).headers['www-authenticate']).toBe(
      `Bearer realm="myorg", resource_metadata="${METADATA}"`,
    );
    const lacking = await send(`${url}/api/scoped`, { headers: bearer(await idp.mint({ scope: 'email' })) });
    expect(lacking.status).toBe(403);
    expect(lacking.headers['www-authenticate']).toContain(
      `scope="test_api_access email", resource_metadata="${METADATA}"`,
    );
  });

  test('step-up: 401 insufficient_user_authentication with acr_values and max_age', async () => {
    const answer = await send(`${url}/api/gold`, { headers: bearer(await idp.mint({ acr: '0' })) });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain(
      `error="insufficient_user_authentication", error_description="authentication level is not sufficient (needs 'acr' one of: gold)", acr_values="gold", max_age="60", resource_metadata="${METADATA}"`,
    );
  });
});
