import { Redis } from 'ioredis';
import type { RevocationStore } from '../core/revocation/store.js';
import { RevocationMirror, storedExpiry } from './revocation-mirror.js';
import { resolveStoreOptions, type RedisRevocationStoreOptions, type ResolvedStoreOptions } from './store-options.js';
import { storeAddress } from './store-address.js';
import { networkFailure } from '../core/http/network-failure.js';

/** Redis could not be reached (or did not answer in time) while checking or storing a revocation. */
export class RevocationStoreUnavailableError extends Error {
  override readonly name = 'RevocationStoreUnavailableError';
}

/** How many announced ids one MGET confirms. */
const CONFIRM_BATCH = 1000;

/** A SCAN pattern matching exactly the keys that start with `prefix` (its glob characters escaped). */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/**
 * Revocations shared by every instance through Redis. Each revocation is a key holding the token's expiry and
 * expiring with it (no clean-up job), announced on a pub/sub channel. Every instance mirrors the keys in memory
 * — loaded on connect and after every loss of contact — so a check is a local lookup, not a round trip.
 *
 * Redis is the truth: a message on the channel is only a hint, believed once the key it names is read back.
 * Every command has a deadline and both connections are pinged periodically, so a Redis that stops answering
 * (a frozen process, a network black hole) is noticed as fast as one that closes its connections.
 */
export class RedisRevocationStore implements RevocationStore {
  private mirror: RevocationMirror;
  /** The mirror being loaded by a sync, if any; confirmed messages go to it too. */
  private loading: RevocationMirror | undefined;
  private synced = false;
  /** Counts losses of contact: a sync that saw one happen while it ran does not declare the store in sync. */
  private losses = 0;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  /** Ids announced on the channel, not yet read back from Redis. */
  private readonly announced = new Set<string>();
  private confirming = false;
  private checkingHealth = false;
  private healthTimer: NodeJS.Timeout | undefined;

  /** Set once the first sync is done: only later changes of the in-sync state are reported. */
  private started = false;
  /** The last error a connection reported (ioredis rejects `connect()` with a bare "Connection is closed"). */
  private connectionError: unknown;

  private constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly options: ResolvedStoreOptions,
    private readonly address: string,
  ) {
    this.mirror = new RevocationMirror(options.maxEntries, options.now);
  }

  /**
   * Connects to Redis, loads the revocations and subscribes to the channel. Resolves once in sync; rejects when
   * Redis cannot be reached at start-up, and throws a `TypeError` for a bad option.
   *
   * @example
   * const revocations = await RedisRevocationStore.connect('redis://127.0.0.1:6379')
   * const auth = createAuth({ issuer, audience, revocations })
   */
  static async connect(url: string, options: RedisRevocationStoreOptions = {}): Promise<RedisRevocationStore> {
    if (typeof url !== 'string' || url === '') throw new TypeError('the Redis URL must be a non-empty string');
    const resolved = resolveStoreOptions(options);
    const commands = new Redis(url, resolved.redis);
    const subscriber = new Redis(url, resolved.redis);
    const store = new RedisRevocationStore(commands, subscriber, resolved, storeAddress(url));
    subscriber.on('message', (_channel: string, message: string) => store.receive(message));
    for (const client of [commands, subscriber]) {
      // The state is tracked through 'close' and the health check; the error is kept to explain a failed start.
      client.on('error', (error: unknown) => void (store.connectionError = error));
      client.on('close', () => store.lost());
    }
    try {
      await Promise.all([commands.connect(), subscriber.connect()]);
      await store.requestSync();
      if (!store.synced) throw new RevocationStoreUnavailableError('redis was lost while loading the revocations');
    } catch (error) {
      await store.close();
      throw store.cannotConnect(error);
    }
    store.started = true;
    for (const client of [commands, subscriber]) client.on('ready', () => void store.requestSync().catch(() => {}));
    store.healthTimer = setInterval(() => void store.checkHealth(), resolved.healthCheckInterval);
    store.healthTimer.unref(); // the check alone must not keep a process alive
    return store;
  }

  /** The start-up failure, naming the Redis URL (without credentials) and the network error when there is one. */
  private cannotConnect(error: unknown): RevocationStoreUnavailableError {
    const code = networkFailure(this.connectionError ?? error);
    const why = code !== 'unknown' ? code : error instanceof Error ? error.message : 'no answer';
    return new RevocationStoreUnavailableError(`cannot connect to redis at ${this.address}: ${why}`, { cause: error });
  }

  private key(id: string): string {
    return `${this.options.keyPrefix}${id}`;
  }

  /** Leaves the in-sync state at once: under `fail-closed` checks fail until a sync has loaded the keys again. */
  private lost(): void {
    this.losses++;
    if (this.synced && this.started)
      this.options.onEvent?.({ type: 'revocation_store_out_of_sync', store: this.address });
    this.synced = false;
  }

  /** Runs a sync, or one more after the one running (its view may already be outdated). */
  private requestSync(): Promise<void> {
    if (this.syncing !== undefined) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = this.sync().finally(() => {
      this.syncing = undefined;
      if (this.syncAgain) {
        this.syncAgain = false;
        void this.requestSync().catch(() => {});
      }
    });
    return this.syncing;
  }

  /** Subscribes, then loads every key into a new mirror that replaces the old one if contact held throughout. */
  private async sync(): Promise<void> {
    const losses = this.losses;
    const fresh = new RevocationMirror(this.options.maxEntries, this.options.now);
    this.loading = fresh;
    const pattern = prefixPattern(this.options.keyPrefix);
    try {
      await this.subscriber.subscribe(this.options.channel);
      let cursor = '0';
      do {
        const [next, keys] = await this.commands.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) {
          const values = await this.commands.mget(...keys);
          keys.forEach((key, i) => fresh.addStored(key.slice(this.options.keyPrefix.length), values[i]));
        }
      } while (cursor !== '0');
      if (losses !== this.losses || this.commands.status !== 'ready' || this.subscriber.status !== 'ready') return;
      this.mirror = fresh;
      if (!this.synced && this.started)
        this.options.onEvent?.({ type: 'revocation_store_in_sync', store: this.address });
      this.synced = true;
    } finally {
      if (this.loading === fresh) this.loading = undefined;
    }
  }

  /** A message `<exp> <id>` is only a hint: the id is confirmed against its key before it counts. */
  private receive(message: string): void {
    const space = message.indexOf(' ');
    if (space < 0 || space === message.length - 1) return;
    if (this.announced.size >= this.options.maxEntries) {
      // More hints than can wait: drop them all and load every key instead (that finds the real ones).
      this.announced.clear();
      this.lost();
      void this.requestSync().catch(() => {});
      return;
    }
    this.announced.add(message.slice(space + 1));
    if (!this.confirming) void this.confirmAnnounced();
  }

  private async confirmAnnounced(): Promise<void> {
    this.confirming = true;
    try {
      while (this.announced.size > 0) {
        const ids: string[] = [];
        for (const id of this.announced) {
          this.announced.delete(id);
          if (ids.push(id) === CONFIRM_BATCH) break;
        }
        let values: (string | null)[];
        try {
          values = await this.commands.mget(...ids.map((id) => this.key(id)));
        } catch {
          // Unconfirmed hints may be real revocations: out of sync until a full load has read their keys.
          this.announced.clear();
          this.lost();
          void this.requestSync().catch(() => {});
          return;
        }
        for (const [i, id] of ids.entries()) {
          this.mirror.addStored(id, values[i]);
          this.loading?.addStored(id, values[i]);
        }
      }
    } finally {
      this.confirming = false;
    }
  }

  /** Pings both connections (each ping has the command deadline); a sync follows a regained contact. */
  private async checkHealth(): Promise<void> {
    if (this.checkingHealth) return;
    this.checkingHealth = true;
    try {
      await Promise.all([this.commands.ping(), this.subscriber.ping()]);
      this.mirror.sweep();
      if (!this.synced) await this.requestSync();
    } catch {
      this.lost();
    } finally {
      this.checkingHealth = false;
    }
  }

  /** Stores the revocation in Redis and announces it; rejects within the command deadline when Redis does not answer. */
  async revoke(id: string, expiresAt: number): Promise<void> {
    if (typeof id !== 'string' || id === '') throw new TypeError('the revocation id must be a non-empty string');
    if (!Number.isFinite(expiresAt)) throw new TypeError('the expiry must be a finite number of seconds');
    const exp = Math.ceil(expiresAt);
    this.mirror.add(id, exp);
    this.loading?.add(id, exp);
    try {
      await this.commands.set(this.key(id), String(exp), 'EXAT', exp);
      await this.commands.publish(this.options.channel, `${exp} ${id}`);
    } catch (error) {
      throw new RevocationStoreUnavailableError('redis did not store the revocation', { cause: error });
    }
  }

  /**
   * From the mirror while in sync; under `fail-closed` throws while not in sync. When the mirror is full and
   * does not hold the id, Redis is asked (a promise) rather than guessing.
   */
  isRevoked(id: string): boolean | Promise<boolean> {
    const failClosed = this.options.policy === 'fail-closed';
    if (!this.synced && failClosed) {
      throw new RevocationStoreUnavailableError('redis cannot be reached: revocations cannot be checked');
    }
    const known = this.mirror.lookup(id);
    if (known !== undefined) return known;
    if (!this.synced) return false; // fail-open: this instance's last view
    return this.commands.get(this.key(id)).then(
      (stored) => storedExpiry(stored) > this.options.now() / 1000,
      (error: unknown) => {
        if (!failClosed) return false;
        throw new RevocationStoreUnavailableError('redis did not answer a revocation check', { cause: error });
      },
    );
  }

  /** True while this instance's view is current. */
  get inSync(): boolean {
    return this.synced;
  }

  /** How many revocations this instance holds in memory (at most `maxEntries`). */
  get size(): number {
    return this.mirror.size;
  }

  /** Stops the health check and closes both connections. */
  async close(): Promise<void> {
    clearInterval(this.healthTimer);
    this.synced = false;
    // A connection already ended has nothing to close (ioredis would keep a timer for its closed socket).
    for (const client of [this.commands, this.subscriber]) if (client.status !== 'end') client.disconnect();
  }
}
