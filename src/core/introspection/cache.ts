import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Doorkeeper } from '../cache/doorkeeper.js';
import type { IntrospectionAnswer } from './request.js';

/** Limits of the introspection cache. */
export interface IntrospectionCacheOptions {
  /** How long an answer is reused (ms); `0` never reuses one. */
  readonly ttl: number;
  /** Most active answers kept, and most inactive ones; `0` keeps none. */
  readonly maxEntries: number;
  /** Most memory the active answers take, estimated from their size (bytes). */
  readonly maxBytes: number;
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number;
}

interface Entry {
  readonly answer: IntrospectionAnswer;
  /** Ms since the epoch, by the injected clock. */
  readonly expiresAt: number;
}

/** What a cached inactive answer gives back: only `active` matters for a token that is refused. */
const NOT_ACTIVE: IntrospectionAnswer = Object.freeze({ active: false, claims: Object.freeze({}) });

/**
 * The cache key of a token: its SHA-256 digest (base64url). The cache then holds 43 characters per token
 * whatever the token's length, and never the token itself.
 */
export function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The size estimate of one active answer: its claims decoded, the key and the entry's overhead. */
function estimateBytes(entry: Entry, key: string): number {
  return JSON.stringify(entry.answer.claims).length * 4 + key.length * 2 + 512;
}

/** An `exp` claim (seconds) as a deadline in ms; `Infinity` when there is none. */
function expiryOf(exp: unknown): number {
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : Infinity;
}

/**
 * Introspection answers by token digest, least recently used first out. An answer is reused for `ttl` and
 * never past the token's `exp` (the answer's, else the one the caller read from the JWT). Active and inactive
 * answers live apart, so made-up tokens can never evict the answer of a token in use: active answers are
 * bounded by count and bytes; an inactive answer (an expiry, no claims) is kept only when its token is seen a
 * second time (the doorkeeper of the verified-token cache), so a one-off junk token leaves nothing behind,
 * and a replayed revoked token costs two requests per `ttl`. Concurrent lookups of one token share one request
 * (single flight); a failed request is not remembered, so the next lookup asks again.
 */
export class IntrospectionCache {
  private readonly active: LRUCache<string, Entry> | undefined;
  private readonly inactive: LRUCache<string, number> | undefined;
  private readonly doorkeeper = new Doorkeeper();
  private readonly pending = new Map<string, Promise<IntrospectionAnswer>>();

  constructor(private readonly options: IntrospectionCacheOptions) {
    const off = options.maxEntries === 0 || options.ttl === 0;
    this.active = off
      ? undefined
      : new LRUCache<string, Entry>({
          max: options.maxEntries,
          maxSize: options.maxBytes,
          sizeCalculation: estimateBytes,
        });
    this.inactive = off ? undefined : new LRUCache<string, number>({ max: options.maxEntries });
  }

  /** The answer for `token`: a fresh cached one, the request already on its way, or a new request by `load`. */
  get(token: string, load: () => Promise<IntrospectionAnswer>, expHint?: unknown): Promise<IntrospectionAnswer> {
    const key = digestOf(token);
    const cached = this.cached(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const running = this.pending.get(key);
    if (running !== undefined) return running;
    const request = load().then(
      (answer) => {
        this.pending.delete(key);
        this.remember(key, answer, expHint);
        return answer;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, request);
    return request;
  }

  private cached(key: string): IntrospectionAnswer | undefined {
    const now = this.options.now();
    const entry = this.active?.get(key);
    if (entry !== undefined) {
      if (now < entry.expiresAt) return entry.answer;
      this.active!.delete(key);
    }
    const inactiveUntil = this.inactive?.get(key);
    if (inactiveUntil !== undefined) {
      if (now < inactiveUntil) return NOT_ACTIVE;
      this.inactive!.delete(key);
    }
    return undefined;
  }

  private remember(key: string, answer: IntrospectionAnswer, expHint: unknown): void {
    if (this.active === undefined || this.inactive === undefined) return;
    const now = this.options.now();
    const expiresAt = now + this.options.ttl;
    if (!answer.active) {
      if (this.doorkeeper.admit(key)) this.inactive.set(key, expiresAt);
      return;
    }
    const until = Math.min(expiresAt, expiryOf(answer.claims.exp), expiryOf(expHint));
    if (until > now) this.active.set(key, { answer, expiresAt: until });
  }

  /** How many answers are kept, active and inactive. */
  get size(): number {
    return (this.active?.size ?? 0) + (this.inactive?.size ?? 0);
  }
}
