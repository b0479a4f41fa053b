/**
 * The demo's protected-resource metadata (RFC 9728; shared/demo-contract.md, "Discoverable"): the well-known
 * document and the `resource_metadata` every 401 and 403 challenge carries, over real HTTP on 127.0.0.1:0.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { DEMO_RESOURCE, DEMO_RESOURCE_METADATA, startDemo } from '../helpers/demo.js';
import { bearer, send, type Served } from '../helpers/http.js';

let idp: FakeProvider;
let demo: Served;

beforeAll(async () => {
  idp = await startFakeProvider();
  demo = await startDemo(idp);
});
afterAll(async () => {
  await Promise.all([demo.close(), idp.close()]);
});

describe('GET /.well-known/oauth-protected-resource', () => {
  test('answers 200 JSON: resource, authorization_servers, scopes_supported, bearer_methods_supported', async () => {
    const res = await send(`${demo.url}/.well-known/oauth-protected-resource`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.body as Record<string, unknown>;
    expect(body).toMatchObject({
      resource: DEMO_RESOURCE,
      authorization_servers: [idp.issuer],
      bearer_methods_supported: ['header'],
    });
    expect([...(body.scopes_supported as string[])].sort()).toEqual(['email', 'test_api_access']);
  });

  test('lists the DPoP proof algorithms the demo accepts, with DPoP not required', async () => {
    const body = (await send(`${demo.url}/.well-known/oauth-protected-resource`)).body as Record<string, unknown>;
    expect(body.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(body.dpop_bound_access_tokens_required).toBe(false);
  });

  test('needs no token and ignores an invalid one', async () => {
    const res = await send(`${demo.url}/.well-known/oauth-protected-resource`, { headers: bearer('garbage') });
    expect(res.status).toBe(200);
  });

  test('RESOURCE names the resource exactly and moves every challenge with it', async () => {
    const other = await startDemo(idp, { resource: 'https://api.example.com:8443' });
    try {
      const res = await send(`${other.url}/.well-known/oauth-protected-resource`);
      expect((res.body as { resource: unknown }).resource).toBe('https://api.example.com:8443');
      expect((await send(`${other.url}/api/private`)).headers['www-authenticate']).toBe(
        'Bearer realm="myorg", resource_metadata="https://api.example.com:8443/.well-known/oauth-protected-resource"',
      );
    } finally {
      await other.close();
    }
  });
});

describe('challenges carry resource_metadata', () => {
  const rows: [string, string, string | Record<string, unknown> | undefined, number][] = [
    ['no token', '/api/private', undefined, 401],
    ['invalid token', '/api/private', 'x.y.z', 401],
    ['lacking scope', '/api/private-scoped', { scope: 'email' }, 403],
    ['lacking role', '/api/admin', {}, 403],
  ];
  test.each(rows)('%s → %s', async (_name, path, token, status) => {
    const headers = token === undefined ? {} : bearer(typeof token === 'string' ? token : await idp.mint(token));
    const res = await send(`${demo.url}${path}`, { headers });
    expect(res.status).toBe(status);
    expect(res.headers['www-authenticate']).toMatch(
      new RegExp(`^Bearer realm="myorg".*, resource_metadata="${DEMO_RESOURCE_METADATA}"$`),
    );
  });
});
