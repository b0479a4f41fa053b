import { ProviderUnavailableError } from '../errors.js';

/**
 * Where the ids of accepted DPoP proofs are kept so that each is accepted once (RFC 9449 §11.1). `claim` answers
 * `true` the first time it sees an id within `ttlSeconds`, `false` after; it may throw or reject when the store
 * cannot be reached, and the guard then answers 503 (never lets the proof through).
 */
export interface ReplayStore {
  claim(id: string, ttlSeconds: number): boolean | Promise<boolean>;
}

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** The most proof ids kept. Default 100,000. */
  readonly maxEntries?: number;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Proof ids of this process, each kept until it could no longer be accepted anyway. The guard asks with one
 * fixed lifetime, so insertion order is expiry order and expired ids are dropped from the front. When the store
 * is full of live ids it refuses new proofs (503) rather than forgetting one that could then be replayed.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryReplayStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new TypeError('"maxEntries" must be a whole number of at least 1');
    this.maxEntries = maxEntries;
    this.now = options.now ?? Date.now;
  }

  claim(id: string, ttlSeconds: number): boolean {
    const now = this.now();
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(key);
    }
    const known = this.seen.get(id);
    if (known !== undefined) return false;
    if (this.seen.size >= this.maxEntries)
      throw new ProviderUnavailableError('too many DPoP proofs to remember', 1, { reason: 'replay_store_unavailable' });
    this.seen.set(id, now + ttlSeconds * 1000);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
