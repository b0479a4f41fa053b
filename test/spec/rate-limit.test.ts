/**
 * RATE_LIMIT of the demo server (shared/demo-contract.md, "Declarative security"): two instances sharing one
 * real redis-server enforce one budget per verified client; requests without a valid token never count.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { createDemoApp } from '../../src/demo/app.js';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { demoSettings } from '../helpers/demo.js';
import { bearer, send, serve, type Served } from '../helpers/http.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

const LIMIT = 3;
let idp: FakeProvider;
let redis: TestRedis;
const clients: Redis[] = [];
let one: Served;
let two: Served;

async function instance(): Promise<Served> {
  const client = new Redis(redis.url);
  clients.push(client);
  return serve(await createDemoApp(demoSettings(idp, { rateLimit: LIMIT }), { rateLimitRedis: client }));
}

beforeAll(async () => {
  [idp, redis] = await Promise.all([startFakeProvider(), startRedis()]);
  [one, two] = await Promise.all([instance(), instance()]);
});
afterAll(async () => {
  await Promise.all([one.close(), two.close(), idp.close()]);
  await Promise.all(clients.map((c) => c.quit()));
  await redis.stop();
});

const call = async (server: Served, claims: Record<string, unknown>, path = '/api/private') =>
  send(`${server.url}${path}`, { headers: bearer(await idp.mint(claims)) });

test('one budget per client across both instances: the client over it gets 429 while another client passes', async () => {
  const a = { azp: 'client-a', scope: 'test_api_access' };
  const admitted = [await call(one, a), await call(two, a, '/api/private-scoped'), await call(one, a, '/api/me')];
  expect(admitted.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(admitted[0]!.headers['ratelimit'] ?? admitted[0]!.headers['ratelimit-limit']).toBeDefined();

  const over = await call(two, a);
  expect(over.status).toBe(429);
  expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  expect((await call(one, a)).status).toBe(429);

  expect((await call(two, { azp: 'client-b' })).status).toBe(200);
  expect((await call(one, { azp: 'client-b' })).status).toBe(200);
});

test('requests without a valid token, or refused by the guard, never count against the client they name', async () => {
  const c = { azp: 'client-c' };
  const flood = [
    ...Array.from({ length: 5 }, () => send(`${one.url}/api/private`)),
    ...Array.from({ length: 5 }, () => send(`${two.url}/api/private`, { headers: bearer('not-a-token') })),
    ...Array.from({ length: 5 }, () => call(one, { ...c, exp: Math.floor(Date.now() / 1000) - 3600 })),
    ...Array.from({ length: 5 }, () => call(two, { ...c, scope: 'email' }, '/api/private-scoped')),
  ];
  const refused = await Promise.all(flood);
  expect(new Set(refused.map((r) => r.status))).toEqual(new Set([401, 403]));

  const admitted = [await call(one, c), await call(two, c), await call(one, c)];
  expect(admitted.map((r) => r.status)).toEqual([200, 200, 200]);
  expect((await call(two, c)).status).toBe(429);
});

test('the public route and the OpenAPI document are not limited', async () => {
  const statuses = await Promise.all(
    Array.from({ length: LIMIT + 2 }, (_, i) =>
      send(`${(i % 2 ? one : two).url}${i % 3 ? '/api/public' : '/openapi.json'}`),
    ),
  );
  expect(statuses.every((r) => r.status === 200)).toBe(true);
});
