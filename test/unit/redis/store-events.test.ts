// What the Redis store tells onEvent and its start-up error: against a real redis-server stopped and started
// again; the Redis URL always without its credentials.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { AuthEvent } from '../../../src/index.js';
import { RedisRevocationStore } from '../../../src/redis/index.js';
import { storeAddress } from '../../../src/redis/store-address.js';
import { startRedis, type TestRedis } from '../../helpers/redis-server.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

test('reports out of sync when Redis stops and in sync once it is back, naming the Redis URL', async () => {
  const events: AuthEvent[] = [];
  const store = await RedisRevocationStore.connect(redis.url, {
    onEvent: (event) => {
      events.push(event);
      throw new Error('a broken listener changes nothing');
    },
  });
  try {
    expect(events).toEqual([]); // the first sync is the start, not a change
    await redis.stop();
    await eventually(() => events.length >= 1);
    expect(events).toEqual([{ type: 'revocation_store_out_of_sync', store: redis.url }]);
    await redis.restart();
    await eventually(() => store.inSync);
    expect(events).toEqual([
      { type: 'revocation_store_out_of_sync', store: redis.url },
      { type: 'revocation_store_in_sync', store: redis.url },
    ]);
  } finally {
    await store.close();
  }
});

test('cannot connect: the error names the URL without credentials, and the network error', async () => {
  const port = await freePort();
  const connecting = RedisRevocationStore.connect(`redis://admin:s3cret@127.0.0.1:${port}/2`, {
    redis: { retryStrategy: () => null },
  });
  const error = await connecting.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.message).toBe(`cannot connect to redis at redis://127.0.0.1:${port}/2: ECONNREFUSED`);
  expect(error?.message).not.toContain('s3cret');
});

test('a Redis URL in a message keeps scheme, host, port and database, never user or password', () => {
  expect(storeAddress('rediss://user:pw@cache.internal:6380/4')).toBe('rediss://cache.internal:6380/4');
  expect(storeAddress('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  expect(storeAddress('not a url :pw@')).toBe('the configured Redis URL');
});

test('a bad onEvent is refused', async () => {
  await expect(RedisRevocationStore.connect(redis.url, { onEvent: 'log' as unknown as () => void })).rejects.toThrow(
    new TypeError('"onEvent" must be a function'),
  );
});
