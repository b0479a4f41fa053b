/** bearer-guard/redis: revocations shared by every instance through Redis (needs the `ioredis` package). */
export { RedisRevocationStore, RevocationStoreUnavailableError } from './redis-revocation-store.js';
export type { RedisOutagePolicy, RedisRevocationStoreOptions } from './store-options.js';
export { storeAddress as redisAddress } from './store-address.js';
export { RedisReplayStore } from './redis-replay-store.js';
export type { RedisReplayStoreOptions } from './redis-replay-store.js';
