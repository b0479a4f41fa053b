/**
 * Someone who can publish on the revocation channel, but writes no key, floods it with forged announcements
 * (200,000 of them, one pipeline, on a real redis-server). No instance may count them as revocations: the
 * running one's mirror stays empty, an instance started later agrees, and a real revocation sent after the
 * flood still reaches every instance.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRevocationStore, type RedisRevocationStoreOptions } from '../../src/redis/index.js';
import { eventually } from '../helpers/eventually.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

const FORGED = 200_000;

let redis: TestRedis;
let attacker: Redis;
const stores: RedisRevocationStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  attacker = new Redis(redis.url);
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  attacker.disconnect();
  await redis.stop();
});

async function connect(options: RedisRevocationStoreOptions): Promise<RedisRevocationStore> {
  const store = await RedisRevocationStore.connect(redis.url, options);
  stores.push(store);
  return store;
}

test('200,000 announcements without a key revoke nothing on a running instance or a later one', async () => {
  const name = randomUUID();
  const options = { keyPrefix: `test:${name}:`, channel: `test:${name}` };
  const running = await connect(options);
  const exp = Math.floor(Date.now() / 1000) + 3600;

  const flood = attacker.pipeline();
  for (let i = 0; i < FORGED; i++) flood.publish(options.channel, `${exp} forged-${i}`);
  await flood.exec();

  const revoker = await connect(options);
  await revoker.revoke('real', exp); // announced after the flood: once it is in, the flood has been read
  await eventually(async () => (await running.isRevoked('real')) === true, 60_000);
  await eventually(() => running.inSync, 60_000);

  expect(running.size).toBe(1);
  for (const i of [0, 1, FORGED / 2, FORGED - 1]) expect(await running.isRevoked(`forged-${i}`)).toBe(false);
  const later = await connect(options);
  expect(later.size).toBe(1);
  expect(await later.isRevoked('forged-0')).toBe(false);
  expect(await later.isRevoked('real')).toBe(true);
}, 120_000);
