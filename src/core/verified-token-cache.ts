import { LRUCache } from 'lru-cache';
import type { VerifiedToken } from './verified-token.js';

/** Limits of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most tokens kept. `0` turns the cache off. Default 10,000. */
  readonly maxEntries?: number;
  /** Most memory kept, estimated from token sizes (bytes). Default 64 MiB. */
  readonly maxBytes?: number;
}

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
 * Verified tokens by their exact text, least recently used first out. Only verified tokens enter it, so a
 * flood of forged tokens cannot evict good entries; a hit is still checked against the clock, the route's
 * checks and revocation by the callers, and is dropped when its key set changed.
 */
export class VerifiedTokenCache {
  private readonly lru: LRUCache<string, CachedVerification> | undefined;

  constructor(options: Required<TokenCacheOptions>) {
    this.lru =
      options.maxEntries === 0
        ? undefined
        : new LRUCache<string, CachedVerification>({ max: options.maxEntries, maxSize: options.maxBytes, sizeCalculation: estimateBytes });
  }

  get(token: string): CachedVerification | undefined {
    return this.lru?.get(token);
  }

  set(token: string, entry: CachedVerification): void {
    this.lru?.set(token, entry);
  }

  delete(token: string): void {
    this.lru?.delete(token);
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
