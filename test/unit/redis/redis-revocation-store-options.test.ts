import { describe, expect, test } from '@jest/globals';
import { RedisRevocationStore, type RedisRevocationStoreOptions } from '../../../src/redis/index.js';

// The options are checked before any connection is opened: nothing listens on port 1, and nothing is tried.
describe('RedisRevocationStore.connect options', () => {
  test('refuses an unknown key, naming the nearest option', async () => {
    await expect(
      RedisRevocationStore.connect('redis://127.0.0.1:1', { onOutages: 'fail-open' } as RedisRevocationStoreOptions),
    ).rejects.toThrow(new TypeError('unknown option "onOutages"; did you mean "onOutage"?'));
  });

  test('leaves the keys of the redis member to ioredis, whose own options they are', async () => {
    const error = await RedisRevocationStore.connect('redis://127.0.0.1:1', {
      onOutage: 'sometimes',
      redis: { connectTimeout: 10, anyIoredisOption: true },
    } as unknown as RedisRevocationStoreOptions).catch((e: unknown) => e);
    expect(error).toEqual(new TypeError('"onOutage" must be "fail-closed" or "fail-open"'));
  });
});
