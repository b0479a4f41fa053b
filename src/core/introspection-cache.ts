import { LRUCache } from 'lru-cache';
import type { IntrospectionAnswer } from './introspection-request.js';

/** Limits of the introspection cache. */
export interface IntrospectionCacheOptions {
  /** How long an answer is reused (ms); `0` never reuses one. */
  readonly ttl: number;
  /** Most answers kept; `0` keeps none. */
  readonly maxEntries: number;
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number;
}

interface Entry {
  readonly answer: IntrospectionAnswer;
  /** Ms since the epoch, by the injected clock. */
  readonly expiresAt: number;
}

/** An `exp` claim (seconds) as a deadline in ms; `Infinity` when there is none. */
function expiryOf(exp: unknown): number {
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : Infinity;
}

/**
 * Introspection answers by the exact token text, least recently used first out. An answer is reused for `ttl`
 * and never past the token's `exp` (the answer's, else the one the caller read from the JWT); a negative answer
 * is reused for `ttl` too, so a replayed revoked token costs one request per `ttl`. Concurrent lookups of one
 * token share one request (single flight); a failed request is not remembered, so the next lookup asks again.
 */
export class IntrospectionCache {
  private readonly lru: LRUCache<string, Entry> | undefined;
  private readonly pending = new Map<string, Promise<IntrospectionAnswer>>();

  constructor(private readonly options: IntrospectionCacheOptions) {
    this.lru =
      options.maxEntries === 0 || options.ttl === 0
        ? undefined
        : new LRUCache<string, Entry>({ max: options.maxEntries });
  }

  /** The answer for `token`: a fresh cached one, the request already on its way, or a new request by `load`. */
  get(token: string, load: () => Promise<IntrospectionAnswer>, expHint?: unknown): Promise<IntrospectionAnswer> {
    const entry = this.lru?.get(token);
    if (entry !== undefined) {
      if (this.options.now() < entry.expiresAt) return Promise.resolve(entry.answer);
      this.lru!.delete(token);
    }
    const running = this.pending.get(token);
    if (running !== undefined) return running;
    const request = load().then(
      (answer) => {
        this.pending.delete(token);
        this.remember(token, answer, expHint);
        return answer;
      },
      (error: unknown) => {
        this.pending.delete(token);
        throw error;
      },
    );
    this.pending.set(token, request);
    return request;
  }

  private remember(token: string, answer: IntrospectionAnswer, expHint: unknown): void {
    if (this.lru === undefined) return;
    const now = this.options.now();
    let expiresAt = now + this.options.ttl;
    if (answer.active) expiresAt = Math.min(expiresAt, expiryOf(answer.claims.exp), expiryOf(expHint));
    if (expiresAt > now) this.lru.set(token, { answer, expiresAt });
  }

  /** How many answers are kept. */
  get size(): number {
    return this.lru?.size ?? 0;
  }
}
