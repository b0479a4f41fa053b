// RFC 9728 protected-resource metadata served by the Express adapter, the challenges pointing at it, the
// RFC 8707 resource audience and RFC 9470 step-up answers, over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import { createAuth, type ExpressAuthOptions } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, send, serve, type Served } from '../../helpers/http.js';

let idp: FakeProvider;
const served: Served[] = [];

beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await Promise.all([...served.map((s) => s.close()), idp.close()]);
});

const RESOURCE = 'https://api.example.com';
const METADATA = 'https://api.example.com/.well-known/oauth-protected-resource';

async function start(overrides: Partial<ExpressAuthOptions> = {}, metadata = {}): Promise<string> {
  const auth = createAuth({
    issuer: idp.issuer,
    audience: 'test-api',
    realm: 'myorg',
    resource: RESOURCE,
    ...overrides,
  });
  const app = express();
  app.use(auth.protectedResource(metadata));
  app.get('/scoped', auth.requireAuth('test_api_access'), (_req, res) => res.json({ ok: true }));
  app.get('/any-of', auth.requireAnyScope(['read', 'write']), (_req, res) => res.json({ ok: true }));
  app.get('/gold', auth.requireAcr(['gold', 'platinum'], { maxAge: 300 }), (_req, res) => res.json({ ok: true }));
  app.get('/silver', auth.requireAcr('silver'), (_req, res) => res.json({ ok: true }));
  const server = await serve(app);
  served.push(server);
  return server.url;
}

describe('protectedResource (Express)', () => {
  test('serves the RFC 9728 document: resource as configured, issuers, every guard scope plus extras, header method', async () => {
    const url = await start({}, { resourceName: 'Demo API', scopes: ['email', 'read'] });
    const answer = await send(`${url}/.well-known/oauth-protected-resource`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['cache-control']).toBe('public, max-age=3600');
    expect(answer.body).toEqual({
      resource: RESOURCE,
      authorization_servers: [idp.issuer],
      scopes_supported: ['test_api_access', 'read', 'write', 'email'],
      bearer_methods_supported: ['header'],
      resource_name: 'Demo API',
    });
  });

  test('lists body and query among the bearer methods only when those token places are on', async () => {
    const url = await start({ tokenSources: { body: true, query: true } });
    const answer = await send(`${url}/.well-known/oauth-protected-resource`);
    expect((answer.body as { bearer_methods_supported: unknown }).bearer_methods_supported).toEqual([
      'header',
      'body',
      'query',
    ]);
  });

  test('a resource with a path is described at the well-known path with that path appended (RFC 9728 §3.1)', async () => {
    const url = await start({ resource: 'https://api.example.com/orders' });
    expect((await send(`${url}/.well-known/oauth-protected-resource`)).status).toBe(404);
    const answer = await send(`${url}/.well-known/oauth-protected-resource/orders`);
    expect((answer.body as { resource: unknown }).resource).toBe('https://api.example.com/orders');
    const refused = await send(`${url}/scoped`);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="myorg", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/orders"',
    );
  });

  test('every 401 and 403 challenge names the metadata URL', async () => {
    const url = await start();
    expect((await send(`${url}/scoped`)).headers['www-authenticate']).toBe(
      `Bearer realm="myorg", resource_metadata="${METADATA}"`,
    );
    const bad = await send(`${url}/scoped`, { headers: bearer('x.y.z') });
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(
      new RegExp(`^Bearer realm="myorg", error="invalid_token", .*, resource_metadata="${METADATA}"$`),
    );
    const lacking = await send(`${url}/scoped`, { headers: bearer(await idp.mint({ scope: 'email' })) });
    expect(lacking.status).toBe(403);
    expect(lacking.headers['www-authenticate']).toMatch(
      /error="insufficient_scope", .*scope="test_api_access", resource_metadata="/,
    );
  });

  test('without "resource", protectedResource refuses to build and challenges carry no resource_metadata', () => {
    const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
    expect(() => auth.protectedResource()).toThrow('"protectedResource" needs the "resource" option');
  });

  test('refuses unknown, misspelt and malformed options', () => {
    const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', resource: RESOURCE });
    expect(() => auth.protectedResource({ resourceNme: 'x' } as never)).toThrow(/resourceName/);
    expect(() => auth.protectedResource({ scopes: ['a b'] })).toThrow('"scopes" must be an array of scope names');
    expect(() => auth.protectedResource({ resourceDocumentation: 'ftp://x' })).toThrow(/resourceDocumentation/);
    expect(() => createAuth({ issuer: idp.issuer, audience: 'a', resource: 'https://api.example.com/#x' })).toThrow(
      '"resource" must not contain a fragment',
    );
    expect(() => createAuth({ issuer: idp.issuer, audience: 'a', resource: 'http://api.example.com' })).toThrow(
      /"resource" must use https/,
    );
  });
});

describe('resourceAudience (RFC 8707)', () => {
  test('admits a token whose aud holds the resource and refuses one meant for another resource', async () => {
    const url = await start({ audience: false, resourceAudience: true });
    const ok = await send(`${url}/scoped`, {
      headers: bearer(await idp.mint({ aud: ['x', RESOURCE], scope: 'test_api_access' })),
    });
    expect(ok.status).toBe(200);
    const other = await send(`${url}/scoped`, { headers: bearer(await idp.mint({ aud: 'https://other.example' })) });
    expect(other.status).toBe(401);
    expect(other.body).toMatchObject({ error: 'invalid_token' });
    expect(String((other.body as { error_description: string }).error_description)).toContain(RESOURCE);
  });

  test('with an audience too, the token needs both', async () => {
    const url = await start({ audience: 'test-api', resourceAudience: true });
    expect((await send(`${url}/scoped`, { headers: bearer(await idp.mint({ aud: 'test-api' })) })).status).toBe(401);
    const both = await send(`${url}/scoped`, {
      headers: bearer(await idp.mint({ aud: ['test-api', RESOURCE], scope: 'test_api_access' })),
    });
    expect(both.status).toBe(200);
  });

  test('needs "resource" and a boolean', () => {
    expect(() => createAuth({ issuer: idp.issuer, audience: false, resourceAudience: true })).toThrow(
      '"resourceAudience" needs "resource"',
    );
    expect(() =>
      createAuth({ issuer: idp.issuer, audience: false, resource: RESOURCE, resourceAudience: 'yes' as never }),
    ).toThrow('"resourceAudience" must be true or false');
  });
});

describe('requireAcr (RFC 9470 step-up)', () => {
  const now = () => Math.floor(Date.now() / 1000);

  test('admits an accepted acr authenticated recently enough', async () => {
    const url = await start();
    const token = await idp.mint({ acr: 'gold', auth_time: now() - 10 });
    expect((await send(`${url}/gold`, { headers: bearer(token) })).status).toBe(200);
    expect((await send(`${url}/silver`, { headers: bearer(await idp.mint({ acr: 'silver' })) })).status).toBe(200);
  });

  test('answers 401 insufficient_user_authentication with acr_values and max_age for a weaker acr', async () => {
    const url = await start();
    const answer = await send(`${url}/gold`, { headers: bearer(await idp.mint({ acr: '1', auth_time: now() })) });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      error: 'insufficient_user_authentication',
      error_description: 'authentication level is not sufficient (needs "acr" one of: gold platinum)',
    });
    expect(answer.headers['www-authenticate']).toBe(
      'Bearer realm="myorg", error="insufficient_user_authentication", error_description="authentication level is not sufficient (needs \'acr\' one of: gold platinum)", acr_values="gold platinum", max_age="300", ' +
        `resource_metadata="${METADATA}"`,
    );
  });

  test('refuses a token without acr, with an old auth_time, or without auth_time when maxAge is set', async () => {
    const url = await start();
    for (const claims of [{}, { acr: 'gold', auth_time: now() - 301 }, { acr: 'gold' }]) {
      const answer = await send(`${url}/gold`, { headers: bearer(await idp.mint(claims)) });
      expect({ status: answer.status, body: answer.body }).toMatchObject({
        status: 401,
        body: { error: 'insufficient_user_authentication' },
      });
    }
    const silver = await send(`${url}/silver`, { headers: bearer(await idp.mint({ acr: 'bronze' })) });
    expect(silver.headers['www-authenticate']).toContain('acr_values="silver", resource_metadata=');
    expect(silver.headers['www-authenticate']).not.toContain('max_age');
  });

  test('records the requirement and refuses bad arguments when the guard is built', () => {
    const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
    const hook = auth.requireAcr('gold', { maxAge: 60 });
    expect(auth.requirementOf(hook)).toMatchObject({ acrValues: ['gold'], acrMaxAge: 60 });
    expect(() => auth.requireAcr([])).toThrow('"acrValues" must be a non-empty string');
    expect(() => auth.requireAcr('a b')).toThrow('"acrValues"');
    expect(() => auth.requireAcr('gold', { maxAge: -1 })).toThrow('"maxAge" must be a whole number');
    expect(() => auth.requireAcr('gold', { max_age: 5 } as never)).toThrow(/maxAge/);
  });
});
