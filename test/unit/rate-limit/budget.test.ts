import { afterAll, beforeAll, expect, test } from '@jest/globals';
import express from 'express';
import Fastify from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { createAuth } from '../../../src/index.js';
import { createFastifyAuth } from '../../../src/fastify/index.js';
import { clientRateLimit } from '../../../src/rate-limit/index.js';
import { clientRateLimit as fastifyClientRateLimit } from '../../../src/rate-limit/fastify.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { bearer, send, serve } from '../../helpers/http.js';

let idp: FakeProvider;
beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await idp.close();
});

test.each([
  ['an unknown option', { limit: 1, limt: 2 }, /limt/],
  ['a limit that is not positive', { limit: 0 }, /limit/],
  ['a window that is not positive', { limit: 1, windowMs: -1 }, /windowMs/],
  ['an unknown owner', { limit: 1, by: 'ip' }, /"by"/],
  ['an empty budget name', { limit: 1, budget: '' }, /budget/],
  ['options that are not an object', null, /object/],
])('refuses %s', (_what, options, message) => {
  expect(() => clientRateLimit(options as never)).toThrow(message);
});

test('per-subject budgets by scope, per-route names, and anonymous callers of an optional guard uncounted', async () => {
  const auth = createAuth({ issuer: idp.issuer, audience: 'test-api' });
  const app = express();
  const bySubject = clientRateLimit({ by: 'subject', budget: 'a', limit: (t) => (t.scopes.includes('bulk') ? 3 : 1) });
  app.get('/a', auth.optionalAuth(), bySubject, (_req, res) => void res.json({}));
  app.get('/b', auth.requireAuth(), clientRateLimit({ budget: 'b', limit: 1 }), (_req, res) => void res.json({}));
  const served = await serve(app);
  try {
    const get = async (path: string, claims?: Record<string, unknown>) =>
      (await send(`${served.url}${path}`, { headers: claims ? bearer(await idp.mint(claims)) : {} })).status;
    // The same client, two subjects: each subject has its own count.
    expect([await get('/a', { sub: 's1', azp: 'c' }), await get('/a', { sub: 's1', azp: 'c' })]).toEqual([200, 429]);
    expect(await get('/a', { sub: 's2', azp: 'c' })).toBe(200);
    const bulk = { sub: 's3', scope: 'bulk' };
    expect([await get('/a', bulk), await get('/a', bulk), await get('/a', bulk), await get('/a', bulk)]).toEqual([
      200, 200, 200, 429,
    ]);
    expect([await get('/a'), await get('/a'), await get('/a')]).toEqual([200, 200, 200]);
    // Another route's budget is its own.
    expect([await get('/b', { sub: 's1', azp: 'c' }), await get('/b', { sub: 's1', azp: 'c' })]).toEqual([200, 429]);
  } finally {
    await served.close();
  }
});

test('the Fastify hook needs @fastify/rate-limit registered first, then answers 429 with Retry-After', async () => {
  const auth = createFastifyAuth({ issuer: idp.issuer, audience: 'test-api' });
  const app = Fastify();
  expect(() => fastifyClientRateLimit(app, { limit: 1 })).toThrow(/@fastify\/rate-limit/);
  await app.register(fastifyRateLimit, { global: false, enableDraftSpec: true });
  app.get('/x', { onRequest: [auth.requireAuth(), fastifyClientRateLimit(app, { limit: 1 })] }, async () => ({}));
  await app.ready();
  const served = await serve((req, res) => app.routing(req, res));
  try {
    const headers = bearer(await idp.mint({ azp: 'c' }));
    expect((await send(`${served.url}/x`, { headers })).status).toBe(200);
    const over = await send(`${served.url}/x`, { headers });
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();
    expect(over.headers['ratelimit-limit']).toBe('1');
  } finally {
    await served.close();
  }
  await app.close();
});
