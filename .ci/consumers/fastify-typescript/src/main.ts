// A Fastify app in TypeScript with neither express nor its types installed: the Fastify entry and the main
// entry's auth.verify() must type-check (skipLibCheck off) and run without them.
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createAuth } from 'bearer-guard';
import { createFastifyAuth } from 'bearer-guard/fastify';
import { startFakeProvider } from 'bearer-guard/testing';

const idp = await startFakeProvider();
const auth = createFastifyAuth({ issuer: idp.issuer, audience: 'test-api' });
const app = Fastify();
await app.register(auth.plugin);
app.get('/orders', { onRequest: auth.requireAuth('orders:read') }, async (request) => ({
  client: request.auth?.clientId,
  scopes: request.auth?.scopes,
}));
try {
  const token = await idp.mint({ scope: 'orders:read' });
  const ok = await app.inject({ url: '/orders', headers: { authorization: `Bearer ${token}` } });
  const anonymous = await app.inject({ url: '/orders' });
  const verified = await createAuth({ issuer: idp.issuer, audience: 'test-api' }).verify(token);
  assert.deepEqual([ok.statusCode, ok.json()], [200, { client: 'test_api_client', scopes: ['orders:read'] }]);
  assert.equal(anonymous.statusCode, 401);
  assert.equal(anonymous.headers['www-authenticate'], 'Bearer realm="api"');
  assert.equal(verified.payload.sub !== undefined, true);
  console.log('fastify-typescript: Fastify guard and auth.verify() without express types: ok');
} finally {
  await app.close();
  await idp.close();
}
