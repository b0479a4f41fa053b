import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { ReplayStore } from '../core/dpop/replay.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';

/** Options of {@link RedisReplayStore.connect}. */
export interface RedisReplayStoreOptions {
  /** Prefix of the proof-id keys. Default `bearer-guard:dpop:`. */
  readonly keyPrefix?: string;
  /** How long one command or connection attempt may take, in ms, before it counts as failed. Default 1000. */
  readonly commandTimeout?: number;
  /** Extra ioredis options (TLS, password, …); the timeouts and the refusal to queue commands are this store's. */
  readonly redis?: RedisOptions;
}

const REPLAY_STORE_OPTION_KEYS = {
  keyPrefix: true,
  commandTimeout: true,
  redis: true,
} as const satisfies OptionKeys<RedisReplayStoreOptions>;

/**
 * DPoP proof ids shared by every instance through Redis: one `SET key 1 NX EX ttl` per proof, so exactly one
 * instance accepts a given proof and the key expires on its own. A Redis that cannot be reached makes `claim`
 * reject, and the guard answers 503: a proof is never accepted unchecked.
 */
export class RedisReplayStore implements ReplayStore {
  private constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
  ) {}

  /**
   * Connects; rejects when Redis cannot be reached at start-up.
   *
   * @example
   * const replay = await RedisReplayStore.connect('redis://127.0.0.1:6379')
   * const auth = createAuth({ issuer, audience, dpop: { origin: 'https://api.example.com', replay } })
   */
  static async connect(url: string, options: RedisReplayStoreOptions = {}): Promise<RedisReplayStore> {
    if (typeof url !== 'string' || url === '') throw new TypeError('the Redis URL must be a non-empty string');
    refuseUnknownKeys(options, REPLAY_STORE_OPTION_KEYS, '');
    const keyPrefix = options.keyPrefix ?? 'bearer-guard:dpop:';
    if (typeof keyPrefix !== 'string' || keyPrefix === '')
      throw new TypeError('"keyPrefix" must be a non-empty string');
    const timeout = options.commandTimeout ?? 1000;
    if (!Number.isInteger(timeout) || timeout < 1)
      throw new TypeError('"commandTimeout" must be a positive whole number');
    const client = new Redis(url, {
      ...options.redis,
      lazyConnect: true,
      enableOfflineQueue: false,
      connectTimeout: timeout,
      commandTimeout: timeout,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => undefined); // failures surface as rejected commands, answered 503
    await client.connect();
    return new RedisReplayStore(client, keyPrefix);
  }

  async claim(id: string, ttlSeconds: number): Promise<boolean> {
    const answer = await this.client.set(this.keyPrefix + id, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
    return answer === 'OK';
  }

  /**
   * A secret every instance sharing this Redis agrees on (made once, by whichever instance asks first): for
   * server nonces that every instance accepts (`dpop.nonce.secret`).
   */
  async sharedSecret(name = 'nonce-secret'): Promise<string> {
    const key = `${this.keyPrefix}${name}`;
    await this.client.set(key, randomBytes(32).toString('base64url'), 'NX');
    const secret = await this.client.get(key);
    if (secret === null) throw new Error('the shared secret vanished from Redis');
    return secret;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
