import { Redis, type RedisOptions } from 'ioredis';
import { MemoryRevocationStore, type RevocationStore } from '../core/revocation.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';

/** What to do while Redis cannot be reached. */
export type RedisOutagePolicy = 'fail-closed' | 'fail-open';

/** Options of {@link RedisRevocationStore.connect}. */
export interface RedisRevocationStoreOptions {
  /**
   * `fail-closed` (default): while Redis is unreachable every check fails, so guarded requests get 503.
   * `fail-open`: checks answer from this instance's last view of the revocations.
   */
  readonly onOutage?: RedisOutagePolicy;
  /** Prefix of the revocation keys. Default `bearer-guard:revoked:`. */
  readonly keyPrefix?: string;
  /** The pub/sub channel announcing revocations. Default `bearer-guard:revocations`. */
  readonly channel?: string;
  /** Extra ioredis options (TLS, password, …). */
  readonly redis?: RedisOptions;
  /** The clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** `redis` is ioredis's own options object, passed on as it is: its keys are ioredis's business. */
const REDIS_STORE_OPTION_KEYS = {
  onOutage: true,
  keyPrefix: true,
  channel: true,
  redis: true,
  now: true,
} as const satisfies OptionKeys<RedisRevocationStoreOptions>;

/** Redis could not be reached while checking a revocation under `fail-closed`. */
export class RevocationStoreUnavailableError extends Error {
  override readonly name = 'RevocationStoreUnavailableError';
}

/**
 * Revocations shared by every instance through Redis. Each revocation is a key that expires with the token
 * (no clean-up job), announced on a pub/sub channel. Every instance mirrors the set in memory — loaded on
 * connect and on every reconnect, kept current by the channel — so a check is a local lookup, not a round
 * trip, and a revocation made on one instance reaches the others as fast as Redis delivers the message.
 */
export class RedisRevocationStore implements RevocationStore {
  private readonly mirror: MemoryRevocationStore;
  private synced = false;

  private constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly policy: RedisOutagePolicy,
    private readonly keyPrefix: string,
    private readonly channel: string,
    now: () => number,
  ) {
    this.mirror = new MemoryRevocationStore(now);
  }

  /**
   * Connects to Redis, loads the revocations and subscribes to the channel. Resolves once in sync;
   * rejects when Redis cannot be reached at start-up.
   *
   * @example
   * const revocations = await RedisRevocationStore.connect('redis://127.0.0.1:6379')
   * const auth = createAuth({ issuer, audience, revocations })
   */
  static async connect(url: string, options: RedisRevocationStoreOptions = {}): Promise<RedisRevocationStore> {
    refuseUnknownKeys(options, REDIS_STORE_OPTION_KEYS, '');
    const policy = options.onOutage ?? 'fail-closed';
    if (policy !== 'fail-closed' && policy !== 'fail-open')
      throw new TypeError('"onOutage" must be "fail-closed" or "fail-open"');
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      ...options.redis,
    };
    const commands = new Redis(url, redisOptions);
    const subscriber = new Redis(url, redisOptions);
    for (const client of [commands, subscriber]) client.on('error', () => undefined); // state is tracked below
    const store = new RedisRevocationStore(
      commands,
      subscriber,
      policy,
      options.keyPrefix ?? 'bearer-guard:revoked:',
      options.channel ?? 'bearer-guard:revocations',
      options.now ?? Date.now,
    );
    try {
      await Promise.all([commands.connect(), subscriber.connect()]);
      await store.sync();
    } catch (error) {
      await store.close();
      throw error;
    }
    subscriber.on('message', (_channel: string, message: string) => store.receive(message));
    for (const client of [commands, subscriber]) {
      client.on('close', () => {
        store.synced = false;
      });
      client.on('ready', () => void store.sync().catch(() => undefined));
    }
    return store;
  }

  private async sync(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    let cursor = '0';
    do {
      const [next, keys] = await this.commands.scan(cursor, 'MATCH', `${this.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        const values = await this.commands.mget(...keys);
        keys.forEach((key, i) => this.add(key.slice(this.keyPrefix.length), values[i]));
      }
    } while (cursor !== '0');
    this.synced = this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  private add(id: string, expiresAt: string | null | undefined): void {
    const exp = Number(expiresAt);
    if (Number.isFinite(exp)) this.mirror.revoke(id, exp);
  }

  private receive(message: string): void {
    const space = message.indexOf(' ');
    if (space > 0) this.add(message.slice(space + 1), message.slice(0, space));
  }

  async revoke(id: string, expiresAt: number): Promise<void> {
    const exp = Math.ceil(expiresAt);
    this.mirror.revoke(id, exp);
    await this.commands.set(`${this.keyPrefix}${id}`, String(exp), 'EXAT', exp);
    await this.commands.publish(this.channel, `${exp} ${id}`);
  }

  isRevoked(id: string): boolean {
    if (!this.synced && this.policy === 'fail-closed') {
      throw new RevocationStoreUnavailableError('redis cannot be reached: revocations cannot be checked');
    }
    return this.mirror.isRevoked(id);
  }

  /** True while this instance's view is current. */
  get inSync(): boolean {
    return this.synced;
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.synced = false;
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
