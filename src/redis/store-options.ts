import type { RedisOptions } from 'ioredis';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { safeListener, type AuthEventListener } from '../core/events/events.js';

/** What to do while Redis cannot be reached. */
export type RedisOutagePolicy = 'fail-closed' | 'fail-open';

/** Options of {@link RedisRevocationStore.connect}. */
export interface RedisRevocationStoreOptions {
  /**
   * `fail-closed` (default): while Redis is unreachable or silent every check fails, so guarded requests get 503.
   * `fail-open`: checks answer from this instance's last view of the revocations.
   */
  readonly onOutage?: RedisOutagePolicy;
  /** Prefix of the revocation keys. Default `bearer-guard:revoked:`. */
  readonly keyPrefix?: string;
  /** The pub/sub channel announcing revocations. Default `bearer-guard:revocations`. */
  readonly channel?: string;
  /**
   * How long one command, a connection attempt or a silent socket may take, in ms, before it counts as
   * failed. Default 1000.
   */
  readonly commandTimeout?: number;
  /** How often both connections are pinged to notice a Redis that stopped answering, in ms. Default 1000. */
  readonly healthCheckInterval?: number;
  /**
   * The most revocations this instance keeps in memory. Default 100,000. When Redis holds more live ones,
   * checks of tokens the mirror does not hold ask Redis (a round trip each) until the excess has expired.
   */
  readonly maxEntries?: number;
  /**
   * Extra ioredis options (TLS, password, …). The timeouts above and the refusal to queue commands while
   * disconnected are this store's own and override what is given here.
   */
  readonly redis?: RedisOptions;
  /** The clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Told when this instance falls out of sync with Redis and when it is back in sync (the Redis URL without
   * credentials in each event). What it throws is ignored.
   */
  readonly onEvent?: AuthEventListener;
}

/** `redis` is ioredis's own options object, passed on as it is: its keys are ioredis's business. */
const REDIS_STORE_OPTION_KEYS = {
  onOutage: true,
  keyPrefix: true,
  channel: true,
  commandTimeout: true,
  healthCheckInterval: true,
  maxEntries: true,
  redis: true,
  now: true,
  onEvent: true,
} as const satisfies OptionKeys<RedisRevocationStoreOptions>;

/** The options with their defaults, checked. */
export interface ResolvedStoreOptions {
  readonly policy: RedisOutagePolicy;
  readonly keyPrefix: string;
  readonly channel: string;
  readonly commandTimeout: number;
  readonly healthCheckInterval: number;
  readonly maxEntries: number;
  readonly now: () => number;
  /** What both ioredis connections are created with. */
  readonly redis: RedisOptions;
  /** The `onEvent` listener, made safe; `undefined` without one. */
  readonly onEvent: AuthEventListener | undefined;
}

/** The longest delay Node's timers take (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A JavaScript Map holds at most 2^24 entries. */
const MAX_MAP_SIZE = 2 ** 24;

function wholeNumber(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(`"${name}" must be a whole number from 1 to ${max}`);
  }
  return value;
}

function nonEmptyString(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`);
  return value;
}

/** Applies the defaults and refuses bad values with a `TypeError` naming the option. */
export function resolveStoreOptions(options: RedisRevocationStoreOptions): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('the options must be an object');
  refuseUnknownKeys(options, REDIS_STORE_OPTION_KEYS, '');
  const policy = options.onOutage ?? 'fail-closed';
  if (policy !== 'fail-closed' && policy !== 'fail-open') {
    throw new TypeError('"onOutage" must be "fail-closed" or "fail-open"');
  }
  const commandTimeout = wholeNumber('commandTimeout', options.commandTimeout, 1000, MAX_TIMER_MS);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('"now" must be a function');
  const extra = options.redis ?? {};
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new TypeError('"redis" must be an object of ioredis options');
  }
  return {
    policy,
    keyPrefix: nonEmptyString('keyPrefix', options.keyPrefix, 'bearer-guard:revoked:'),
    channel: nonEmptyString('channel', options.channel, 'bearer-guard:revocations'),
    commandTimeout,
    healthCheckInterval: wholeNumber('healthCheckInterval', options.healthCheckInterval, 1000, MAX_TIMER_MS),
    maxEntries: wholeNumber('maxEntries', options.maxEntries, 100_000, MAX_MAP_SIZE),
    now,
    onEvent: safeListener(options.onEvent, 'onEvent'),
    redis: {
      maxRetriesPerRequest: 1,
      connectTimeout: commandTimeout,
      ...extra,
      // Without these a silent Redis holds every command, and so every check and revoke(), forever.
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout,
      socketTimeout: commandTimeout,
    },
  };
}
