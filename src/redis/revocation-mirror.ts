/** A stored key's value as an expiry in seconds; NaN for anything that is not a number (not a revocation). */
export function storedExpiry(stored: string | null | undefined): number {
  return stored === null || stored === undefined || stored.trim() === '' ? NaN : Number(stored);
}

/**
 * One instance's copy of the revocations held in Redis: id → expiry (seconds since the epoch), at most
 * `maxEntries` of them. An entry counts until its token would have expired and is then swept away.
 *
 * When Redis holds more live revocations than fit, the mirror keeps those it has and remembers until when
 * it is incomplete (the latest expiry it had to leave out): until then it can vouch only for "revoked".
 */
export class RevocationMirror {
  private readonly entries = new Map<string, number>();
  /** Until when (seconds) revocations may exist that the mirror does not hold. */
  private incompleteUntil = 0;
  /** No entry expires before this (seconds), so a sweep before it would find nothing. */
  private earliestExpiry = Infinity;

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /** Holds a revocation until `expiresAt`; when full, records that the mirror is incomplete instead. */
  add(id: string, expiresAt: number): void {
    const nowSeconds = this.now() / 1000;
    if (!(expiresAt > nowSeconds)) return;
    const held = this.entries.get(id);
    if (held === undefined && this.entries.size >= this.maxEntries) this.sweep();
    if (held === undefined && this.entries.size >= this.maxEntries) {
      this.incompleteUntil = Math.max(this.incompleteUntil, expiresAt);
      return;
    }
    this.entries.set(id, Math.max(held ?? 0, expiresAt));
    this.earliestExpiry = Math.min(this.earliestExpiry, expiresAt);
  }

  /** Holds the revocation a Redis key stores (its value is the expiry); a key holding anything else is none. */
  addStored(id: string, stored: string | null | undefined): void {
    const exp = storedExpiry(stored);
    if (Number.isFinite(exp)) this.add(id, exp);
  }

  /** `true` when revoked, `false` when not, `undefined` when the mirror cannot tell (it had to leave some out). */
  lookup(id: string): boolean | undefined {
    const nowSeconds = this.now() / 1000;
    const exp = this.entries.get(id);
    if (exp !== undefined && exp > nowSeconds) return true;
    return this.incompleteUntil > nowSeconds ? undefined : false;
  }

  /** Forgets the entries whose tokens have expired; costs nothing until the earliest one has. */
  sweep(): void {
    const nowSeconds = this.now() / 1000;
    if (nowSeconds < this.earliestExpiry) return;
    let earliest = Infinity;
    for (const [id, exp] of this.entries) {
      if (exp <= nowSeconds) this.entries.delete(id);
      else earliest = Math.min(earliest, exp);
    }
    this.earliestExpiry = earliest;
  }

  /** How many revocations are held. */
  get size(): number {
    return this.entries.size;
  }
}
