// discoverResource against real HTTP servers on 127.0.0.1: the demo-like guard and hand-made metadata answers.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import { discoverResource, UnexpectedResponseError } from '../../../src/client/index.js';
import { createAuth } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { serve, type Served } from '../../helpers/http.js';

let idp: FakeProvider;
let api: Served;
let fake: Served;
let fakeDocument: Record<string, unknown> = {};

beforeAll(async () => {
  idp = await startFakeProvider();
  // The guard needs its own URL as resource: serve first on a port, then build the app that knows it.
  const handler = express();
  api = await serve((req, res) => handler(req, res));
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', resource: api.url });
  handler.use(auth.protectedResource());
  handler.get('/api/orders', auth.requireAuth('orders:read'), (_req, res) => res.json({}));
  fake = await serve((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/x') {
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Bearer realm="x", resource_metadata="${String(fakeDocument.pointer)}"`);
      res.end('{}');
      return;
    }
    res.end(JSON.stringify(fakeDocument));
  });
});
afterAll(async () => {
  await Promise.all([api.close(), fake.close(), idp.close()]);
});

describe('discoverResource', () => {
  test('from an API URL alone: follows the 401 resource_metadata to the issuer and the scopes', async () => {
    const found = await discoverResource(`${api.url}/api/orders`);
    expect(found).toMatchObject({
      resource: api.url,
      metadataUrl: `${api.url}/.well-known/oauth-protected-resource`,
      authorizationServers: [idp.issuer],
      scopesSupported: ['orders:read'],
    });
  });

  test('from the resource identifier: the well-known URL derived per RFC 9728 §3.1', async () => {
    expect((await discoverResource(api.url)).authorizationServers).toEqual([idp.issuer]);
  });

  test('refuses a document describing another resource (RFC 9728 §3.3)', async () => {
    fakeDocument = { resource: 'https://elsewhere.example.com', authorization_servers: [idp.issuer] };
    await expect(discoverResource(fake.url)).rejects.toThrow(/not the resource asked for/);
    fakeDocument = {
      resource: `${fake.url}/other`,
      authorization_servers: [idp.issuer],
      pointer: `${fake.url}/.well-known/oauth-protected-resource`,
    };
    await expect(discoverResource(`${fake.url}/api/x`)).rejects.toThrow(UnexpectedResponseError);
  });

  test('refuses metadata on another origin, and authorization servers that break the URL rule', async () => {
    fakeDocument = { pointer: 'http://127.0.0.2:1/.well-known/oauth-protected-resource' };
    await expect(discoverResource(`${fake.url}/api/x`)).rejects.toThrow(/another origin/);
    fakeDocument = { resource: fake.url, authorization_servers: ['http://sso.example.com/realms/a'] };
    await expect(discoverResource(fake.url)).rejects.toThrow(/authorization_servers" must use https/);
    fakeDocument = { resource: fake.url, authorization_servers: [] };
    await expect(discoverResource(fake.url)).rejects.toThrow(/"authorization_servers" must be an array/);
  });

  test('refuses a URL breaking the rule and unknown options before any request', async () => {
    await expect(discoverResource('http://api.example.com/x')).rejects.toThrow(TypeError);
    await expect(discoverResource(api.url, { timeout: 5 } as never)).rejects.toThrow(/timeoutMs/);
  });
});
