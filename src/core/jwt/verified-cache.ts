import { LRUCache } from 'lru-cache';
import { Doorkeeper } from '../cache/doorkeeper.js';
import type { OptionKeys } from '../../shared/option-keys.js';
import type { VerifiedToken } from './verified-token.js';

/** Limits of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most tokens kept. `0` turns the cache off. Default 5,000 (about 25 MB of heap in use). */
  readonly maxEntries?: number;
  /** Most memory kept, estimated from token sizes (bytes). Default 32 MiB. */
  readonly maxBytes?: number;
}

export const TOKEN_CACHE_OPTION_KEYS = {
  maxEntries: true,
  maxBytes: true,
} as const satisfies OptionKeys<TokenCacheOptions>;

/** One verified token and what it was verified against. */
export interface CachedVerification {
  readonly verified: VerifiedToken;
  /** The key set's generation when it was verified: a changed key set means verify again. */
  readonly generation: number;
}

/** The cache's size estimate of one entry: the token string, its decoded claims and the entry's overhead. */
function estimateBytes(entry: CachedVerification): number {
  return entry.verified.token.length * 4 + 512;
}

/**
 * The lookup key: the signature's last 32 characters (192 random bits for every supported algorithm),
 * cheaper to hash than the whole token. A hit is confirmed by comparing the whole token, so two tokens
 * sharing the tail (a forged payload under a copied signature) only ever miss.
 */
function keyOf(token: string): string {
  return token.slice(-32);
}

/**
 * Verified tokens, least recently used first out. Only verified tokens enter it, and only the second time
 * they are verified (a doorkeeper of 65,536 hashes, TinyLFU's first stage): service clients reuse a token for
 * minutes and get cached, while a stream of one-off tokens costs no allocation and evicts nothing. A flood
 * of forged tokens cannot evict good entries; a hit is still checked against the clock, the route's checks
 * and revocation by the callers, and is dropped when its key set changed.
 */
export class VerifiedTokenCache {
  private readonly lru: LRUCache<string, CachedVerification> | undefined;
  private readonly doorkeeper = new Doorkeeper();

  constructor(options: Required<TokenCacheOptions>) {
    this.lru =
      options.maxEntries === 0
        ? undefined
        : new LRUCache<string, CachedVerification>({
            max: options.maxEntries,
            maxSize: options.maxBytes,
            sizeCalculation: estimateBytes,
          });
  }

  get(token: string): CachedVerification | undefined {
    const entry = this.lru?.get(keyOf(token));
    return entry !== undefined && entry.verified.token === token ? entry : undefined;
  }

  /** Offers a freshly verified token: cached when it was verified once before (recently), else remembered. */
  offer(token: string, entry: CachedVerification): void {
    if (this.lru === undefined) return;
    const key = keyOf(token);
    if (this.doorkeeper.admit(key)) this.lru.set(key, entry);
  }

  delete(token: string): void {
    const key = keyOf(token);
    if (this.lru?.get(key)?.verified.token === token) this.lru.delete(key);
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
