import { createHash } from 'node:crypto';
import { isCompactJws } from '../jws/compact.js';
import type { VerifiedToken } from '../jwt/verified-token.js';

/**
 * Where revocations are kept. Entries carry their own expiry (the token's `exp`): once a token would have
 * expired anyway its revocation can be forgotten, so no clean-up job is needed.
 */
export interface RevocationStore {
  /** Marks a token revoked until `expiresAt` (seconds since the epoch). */
  revoke(id: string, expiresAt: number): Promise<void> | void;
  /** True when the token was revoked. May reject when the store cannot be reached. */
  isRevoked(id: string): Promise<boolean> | boolean;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

/**
 * The revocation key of a token: `jti` with its issuer when present; else, for a JWT (a compact JWS), a SHA-256
 * digest of the signed part (`<header>.<payload>`), not of the whole token: its signature can be respelled
 * without the key (base64url's spare bits, ECDSA's (r, n − s)), and each spelling would otherwise be a token
 * never revoked. An opaque token has no signed part: the digest is of the whole token, under its own prefix,
 * since cutting at its last dot would give every token sharing a prefix one key (one logout revoking them all).
 */
export function revocationId(token: VerifiedToken): string {
  let id = revocationIds.get(token);
  if (id === undefined) {
    id = computeRevocationId(token);
    // Only an object that cannot change keeps its id (ours are deeply frozen; one built by a caller may not be).
    if (Object.isFrozen(token) && Object.isFrozen(token.payload)) revocationIds.set(token, id);
  }
  return id;
}

/**
 * Ids already computed, per verified token: the cache hands every request carrying a token the same frozen
 * object, so its id (a digest for a token without `jti`) is computed once, not on every hit. Weak: an id lives
 * as long as its token object.
 */
const revocationIds = new WeakMap<VerifiedToken, string>();

function computeRevocationId(token: VerifiedToken): string {
  const jti = token.payload.jti;
  if (typeof jti === 'string' && jti !== '') return `jti:${token.issuer} ${jti}`;
  if (!isCompactJws(token.token)) return `opaque-sha256:${sha256(token.token)}`;
  return `sha256:${sha256(token.token.slice(0, token.token.lastIndexOf('.')))}`;
}

/**
 * The default store: one process's memory. Expired entries are swept whenever the map has doubled since
 * the last sweep, so it stays within twice the number of revoked tokens still alive.
 */
export class MemoryRevocationStore implements RevocationStore {
  private readonly entries = new Map<string, number>();
  private sweepAt = 1024;

  constructor(private readonly now: () => number = Date.now) {}

  revoke(id: string, expiresAt: number): void {
    const nowSeconds = this.now() / 1000;
    if (this.entries.size >= this.sweepAt) {
      for (const [key, exp] of this.entries) if (exp <= nowSeconds) this.entries.delete(key);
      this.sweepAt = Math.max(1024, this.entries.size * 2);
    }
    if (expiresAt > nowSeconds) this.entries.set(id, expiresAt);
  }

  isRevoked(id: string): boolean {
    const exp = this.entries.get(id);
    return exp !== undefined && exp > this.now() / 1000;
  }
}
