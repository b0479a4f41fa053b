import type { JWK } from 'jose';
import { FetchFailedError } from '../http/fetch-json.js';
import type { SkippedKey } from '../jwks/key-safety.js';
import type { Observer } from './observer.js';

function kids(keys: readonly JWK[]): Set<string> {
  return new Set(keys.flatMap((key) => (typeof key.kid === 'string' ? [key.kid] : [])));
}

/**
 * Reports a successful key fetch and, when the published keys changed since the last one, which `kid`s came and
 * went (a first fetch is no rotation). Only `kid`s and counts leave: never key material.
 */
export function reportKeysFetched(
  observer: Observer,
  issuer: string,
  previous: readonly JWK[] | undefined,
  published: readonly JWK[],
  keyCount: number,
  skipped: readonly SkippedKey[],
): void {
  observer.emit({
    type: 'keys_fetched',
    issuer,
    keyCount,
    skippedKeys: skipped.map(({ kid, reason }) => ({ kid, reason })),
  });
  if (previous === undefined) return;
  const before = kids(previous);
  const after = kids(published);
  const added = [...after].filter((kid) => !before.has(kid));
  const removed = [...before].filter((kid) => !after.has(kid));
  if (added.length > 0 || removed.length > 0) observer.emit({ type: 'keys_rotated', issuer, added, removed });
}

/** Reports a failed key fetch with its cause in one word, and the message (which names no secret). */
export function reportKeysFetchFailed(observer: Observer, issuer: string, error: unknown): void {
  const failed = error instanceof FetchFailedError ? error : undefined;
  observer.emit({
    type: 'keys_fetch_failed',
    issuer,
    cause: failed?.kind ?? 'unknown',
    status: failed?.status,
    message: failed?.message ?? 'the keys could not be fetched',
  });
}
