/** GET /openapi.json of the demo server (shared/demo-contract.md, "Declarative security"), over real HTTP. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { startDemo } from '../helpers/demo.js';
import { send, type Served } from '../helpers/http.js';

let idp: FakeProvider;
let demo: Served;
let document: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  idp = await startFakeProvider();
  demo = await startDemo(idp);
  const res = await send(`${demo.url}/openapi.json`);
  expect(res.status).toBe(200);
  document = res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
});
afterAll(async () => {
  await Promise.all([demo.close(), idp.close()]);
});

test('is a valid OpenAPI 3.1 document, served without a token', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect(result.errors).toBeUndefined();
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
});

test('declares an oauth2 client-credentials scheme whose tokenUrl is the provider token endpoint from discovery', () => {
  const scheme = document.components.securitySchemes.oauth2;
  expect(scheme.type).toBe('oauth2');
  expect(scheme.flows.clientCredentials.tokenUrl).toBe(idp.tokenEndpoint);
  expect(Object.keys(scheme.flows.clientCredentials.scopes)).toEqual(
    expect.arrayContaining(['test_api_access', 'email']),
  );
});

test.each([
  ['/api/private-scoped', ['test_api_access']],
  ['/api/private-scoped-all', ['test_api_access', 'email']],
  ['/api/private', []],
  ['/api/me', []],
  ['/api/admin', []],
])('GET %s requires the oauth2 scheme with the scopes %j', (path, scopes) => {
  expect(document.paths[path].get.security).toEqual([{ oauth2: scopes }]);
});

test('POST /api/logout requires the oauth2 scheme', () => {
  expect(document.paths['/api/logout'].post.security).toEqual([{ oauth2: [] }]);
});

test('GET /api/admin names the realm role it needs in x-required-roles', () => {
  expect(document.paths['/api/admin'].get['x-required-roles']).toEqual({ realm: ['admin'] });
});

test('GET /api/public requires nothing and keeps the operation the demo wrote', () => {
  expect(document.paths['/api/public'].get.security).toBeUndefined();
  expect(document.paths['/api/public'].get.summary).toBe('GET /api/public');
  expect(document.security).toBeUndefined();
});

test('answers 503 while the token endpoint cannot be discovered', async () => {
  const gone = await startFakeProvider();
  const demoOfGone = await startDemo(gone);
  await gone.close();
  try {
    const res = await send(`${demoOfGone.url}/openapi.json`);
    expect(res).toMatchObject({ status: 503, body: { error: 'server_error' } });
  } finally {
    await demoOfGone.close();
  }
});
