import { afterAll, beforeAll, expect, test } from '@jest/globals';
import express from 'express';
import express4 from 'express4';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createAuth, mergeOpenApi } from '../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';

let idp: FakeProvider;
beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await idp.close();
});

const ok = (_req: unknown, res: { json(body: unknown): unknown }) => res.json({});
const auth = () => createAuth({ issuer: idp.issuer, audience: 'test-api' });

test('documents the guarded routes of an Express 5 app, nested routers under their mount path', async () => {
  const a = auth();
  const app = express();
  app.get('/open', ok);
  app.get('/items/:id', a.requireAuth('read'), ok);
  app.post('/items', a.requireAnyScope(['write', 'admin']), ok);
  app.get('/maybe', a.optionalAuth(), ok);
  const admin = express.Router();
  admin.use(a.requireRole('admin'));
  admin.delete('/users/:userId', ok);
  app.use('/admin/', admin);
  const fragment = await a.openapi(app, { openIdConnect: true });
  expect(fragment.paths).toEqual({
    '/items/{id}': { get: { security: [{ oauth2: ['read'] }] } },
    '/items': { post: { security: [{ oauth2: ['write'] }, { oauth2: ['admin'] }] } },
    '/maybe': { get: { security: [{}, { oauth2: [] }] } },
    '/admin/users/{userId}': { delete: { security: [{ oauth2: [] }], 'x-required-roles': { realm: ['admin'] } } },
  });
  expect(fragment.components.securitySchemes.oauth2).toMatchObject({
    flows: {
      clientCredentials: { tokenUrl: idp.tokenEndpoint, scopes: { read: 'read', write: 'write', admin: 'admin' } },
    },
  });
  expect(fragment.components.securitySchemes.openIdConnect).toEqual({
    type: 'openIdConnect',
    openIdConnectUrl: `${idp.issuer}/.well-known/openid-configuration`,
  });
  const merged = mergeOpenApi({ openapi: '3.1.0', info: { title: 't', version: '1' } }, fragment);
  await expect(new Validator().validate(merged as unknown as Record<string, unknown>)).resolves.toEqual({
    valid: true,
  });
});

test('documents the routes of an Express 4 app, a guard used app-wide covering the routes after it', async () => {
  const a = auth();
  const app = express4();
  app.get('/before', ok);
  app.use(a.requireAuth('base'));
  app.put('/after/:id', ok);
  const fragment = await a.openapi(app, { tokenUrl: 'https://idp.example/token' });
  expect(fragment.paths).toEqual({ '/after/{id}': { put: { security: [{ oauth2: ['base'] }] } } });
});

test("ignores another Auth's guards", async () => {
  const [mine, theirs] = [auth(), auth()];
  const app = express();
  app.get('/theirs', theirs.requireAuth('x'), ok);
  await expect(mine.openapi(app, { tokenUrl: 'https://idp.example/token' })).resolves.toMatchObject({ paths: {} });
});

test('refuses something that is not an Express app', async () => {
  await expect(auth().openapi({}, { tokenUrl: 'https://idp.example/token' })).rejects.toThrow(/Express application/);
});

test('fails when the discovery document names no acceptable token endpoint', async () => {
  const other = await startFakeProvider({ realm: 'other' });
  try {
    const a = createAuth({
      issuer: idp.issuer,
      audience: 'test-api',
      fetch: (_url, init) => fetch(`${other.issuer}/.well-known/openid-configuration`, init),
    });
    await expect(a.openapi(express())).rejects.toThrow(/another issuer/);
  } finally {
    await other.close();
  }
});
