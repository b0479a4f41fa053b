import { afterAll, beforeAll, expect, test } from '@jest/globals';
import Fastify from 'fastify';
import { createFastifyAuth } from '../../../src/fastify/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';

let idp: FakeProvider;
beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await idp.close();
});

test('documents the guarded routes registered after the plugin, hooks as one function or a list', async () => {
  const auth = createFastifyAuth({ issuer: idp.issuer, audience: 'test-api' });
  const app = Fastify();
  await app.register(auth.plugin);
  app.get('/open', async () => ({}));
  app.get('/items/:id', { onRequest: auth.requireAuth('read') }, async () => ({}));
  app.route({
    method: ['POST', 'PUT'],
    url: '/items',
    preHandler: [async () => undefined, auth.requireAnyScope(['write', 'admin'])],
    handler: async () => ({}),
  });
  await app.register(
    async (scoped) => {
      scoped.delete('/users/:userId', { onRequest: auth.requireClientRole('api', 'manager') }, async () => ({}));
    },
    { prefix: '/admin' },
  );
  await app.ready();
  const fragment = await auth.openapi();
  expect(fragment.paths).toEqual({
    '/items/{id}': { get: { security: [{ oauth2: ['read'] }] } },
    '/items': {
      post: { security: [{ oauth2: ['write'] }, { oauth2: ['admin'] }] },
      put: { security: [{ oauth2: ['write'] }, { oauth2: ['admin'] }] },
    },
    '/admin/users/{userId}': {
      delete: { security: [{ oauth2: [] }], 'x-required-roles': { client: { api: ['manager'] } } },
    },
  });
  expect(fragment.components.securitySchemes.oauth2).toMatchObject({
    flows: { clientCredentials: { tokenUrl: idp.tokenEndpoint } },
  });
  await app.close();
});
