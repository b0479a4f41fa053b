// The Redis revocation store against a real redis-server: revocations shared between instances, messages
// confirmed against the stored keys, a bounded mirror, and a Redis that stops answering (SIGSTOP).
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRevocationStore, type RedisRevocationStoreOptions } from '../../../src/redis/index.js';
import { startRedis, type TestRedis } from '../../helpers/redis-server.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

let redis: TestRedis;
let raw: Redis;
const stores: RedisRevocationStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

/** Options of one test's own key prefix and channel, so that tests do not see each other's revocations. */
function space(): RedisRevocationStoreOptions {
  const name = randomUUID();
  return { keyPrefix: `test:${name}:`, channel: `test:${name}` };
}

async function connect(options: RedisRevocationStoreOptions): Promise<RedisRevocationStore> {
  const store = await RedisRevocationStore.connect(redis.url, options);
  stores.push(store);
  return store;
}

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

describe('revocations shared through Redis', () => {
  test('a revocation made on instance A reaches instance B, and nothing else is revoked', async () => {
    const options = space();
    const [a, b] = await Promise.all([connect(options), connect(options)]);
    await a.revoke('token-1', inFiveMinutes());
    await eventually(async () => (await b.isRevoked('token-1')) === true);
    expect(await b.isRevoked('token-2')).toBe(false);
    expect(a.inSync && b.inSync).toBe(true);
  });

  test('a message with no key behind it revokes nothing, on running instances as on later ones', async () => {
    const options = space();
    const b = await connect(options);
    await raw.publish(options.channel!, `${inFiveMinutes()} forged`);
    await raw.publish(options.channel!, 'malformed-without-expiry');
    const a = await connect(options);
    await a.revoke('marker', inFiveMinutes()); // announced after the forged ones: once B has it, it has read them
    await eventually(async () => (await b.isRevoked('marker')) === true);
    expect(await b.isRevoked('forged')).toBe(false);
    expect(b.size).toBe(1);
    const later = await connect(options);
    expect(await later.isRevoked('forged')).toBe(false);
    expect(await later.isRevoked('marker')).toBe(true);
  });

  test("a message is believed with the key's stored expiry, not the one it announces", async () => {
    const options = space();
    let now = Date.now();
    const b = await connect({ ...options, now: () => now });
    const nowSeconds = Math.floor(now / 1000);
    // Announced as long expired (B would drop it), stored for five minutes: B must hold it.
    await raw.set(`${options.keyPrefix}short-message`, String(nowSeconds + 300), 'EX', 300);
    await raw.publish(options.channel!, `${nowSeconds - 10} short-message`);
    // Announced for a day, stored for a minute: B must forget it after that minute.
    await raw.set(`${options.keyPrefix}long-message`, String(nowSeconds + 60), 'EX', 300);
    await raw.publish(options.channel!, `${nowSeconds + 86_400} long-message`);
    await eventually(async () => (await b.isRevoked('short-message')) && (await b.isRevoked('long-message')));
    now += 120_000;
    expect(await b.isRevoked('short-message')).toBe(true);
    expect(await b.isRevoked('long-message')).toBe(false);
  });

  test('loads the revocations already in Redis at start, ignoring keys that hold no expiry', async () => {
    const options = space();
    await raw.set(`${options.keyPrefix}stored`, String(inFiveMinutes()), 'EX', 300);
    await raw.set(`${options.keyPrefix}garbage`, 'not-a-number', 'EX', 300);
    const store = await connect(options);
    expect(await store.isRevoked('stored')).toBe(true);
    expect(await store.isRevoked('garbage')).toBe(false);
  });

  test('loads only the keys under its prefix, even when the prefix holds glob characters', async () => {
    const name = randomUUID();
    const options = { keyPrefix: `test:${name}:[a]*?:`, channel: `test:${name}` };
    await raw.set(`test:${name}:[a]*?:mine`, String(inFiveMinutes()), 'EX', 300);
    await raw.set(`test:${name}:a-other:x`, String(inFiveMinutes()), 'EX', 300); // matched by the unescaped glob
    const store = await connect(options);
    expect(await store.isRevoked('mine')).toBe(true);
    expect(store.size).toBe(1);
  });
});

describe('a mirror bounded by maxEntries', () => {
  test('answers every id correctly when Redis holds more revocations than the mirror may keep', async () => {
    const options = { ...space(), maxEntries: 5 };
    const a = await connect(options);
    const b = await connect(options);
    const revoked = Array.from({ length: 12 }, (_, i) => `revoked-${i}`);
    for (const id of revoked) await a.revoke(id, inFiveMinutes());
    await eventually(async () => (await b.isRevoked(revoked[11]!)) === true);
    const later = await connect(options);
    for (const store of [a, b, later]) {
      expect(store.size).toBeLessThanOrEqual(5);
      for (const id of revoked) expect(await store.isRevoked(id)).toBe(true);
      expect(await store.isRevoked('never-revoked')).toBe(false);
    }
  });
});

describe('options', () => {
  test.each([
    [{ onOutage: 'fail-never' }, /"onOutage" must be "fail-closed" or "fail-open"/],
    [{ commandTimeout: -1 }, /"commandTimeout" must be a whole number from 1/],
    [{ commandTimeout: 0 }, /"commandTimeout" must be a whole number from 1/],
    [{ healthCheckInterval: Number.NaN }, /"healthCheckInterval" must be a whole number from 1/],
    [{ healthCheckInterval: '1000' }, /"healthCheckInterval" must be a whole number from 1/],
    [{ maxEntries: 0.5 }, /"maxEntries" must be a whole number from 1/],
    [{ maxEntries: 2 ** 30 }, /"maxEntries" must be a whole number from 1/],
    [{ keyPrefix: '' }, /"keyPrefix" must be a non-empty string/],
    [{ channel: 42 }, /"channel" must be a non-empty string/],
    [{ now: 5 }, /"now" must be a function/],
    [{ redis: 'redis://elsewhere' }, /"redis" must be an object of ioredis options/],
  ])('refuses %j with a TypeError naming the option', async (options, message) => {
    const connecting = RedisRevocationStore.connect(redis.url, options as RedisRevocationStoreOptions);
    await expect(connecting).rejects.toThrow(TypeError);
    await expect(connecting).rejects.toThrow(message);
  });

  test('refuses a missing URL and options that are not an object', async () => {
    await expect(RedisRevocationStore.connect('')).rejects.toThrow(/the Redis URL must be a non-empty string/);
    await expect(
      RedisRevocationStore.connect(redis.url, null as unknown as RedisRevocationStoreOptions),
    ).rejects.toThrow(/the options must be an object/);
  });

  test('refuses a revocation without an id or a finite expiry', async () => {
    const store = await connect(space());
    await expect(store.revoke('', inFiveMinutes())).rejects.toThrow(TypeError);
    await expect(store.revoke('id', Number.POSITIVE_INFINITY)).rejects.toThrow(TypeError);
  });

  test('rejects at start-up when Redis cannot be reached', async () => {
    const unreachable = `redis://127.0.0.1:${await freePort()}`;
    await expect(RedisRevocationStore.connect(unreachable, { redis: { retryStrategy: () => null } })).rejects.toThrow();
  });
});
