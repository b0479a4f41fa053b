import type { AuthError } from '../errors.js';
import { InsufficientScopeError } from '../errors.js';

/**
 * RFC 6750 §3: "The "error_description" attribute … MUST NOT include characters outside the set
 * %x20-21 / %x23-5B / %x5D-7E." The same set holds for `realm`, `error` and `scope`, so a quote or a
 * backslash can never break out of an attribute: they are replaced, and every other character outside the
 * set is dropped.
 */
export function toChallengeValue(value: string): string {
  return value
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '');
}

/**
 * Builds the `WWW-Authenticate` value for an error (RFC 6750 §3). Missing credentials get the bare
 * challenge with no error code (§3.1); a 503 gets none (`undefined`).
 */
export function buildChallenge(error: AuthError, realm: string): string | undefined {
  if (error.status === 503) return undefined;
  const parts = [`Bearer realm="${toChallengeValue(realm)}"`];
  if (error.code === 'unauthorized') return parts[0];
  parts.push(`error="${error.code}"`, `error_description="${toChallengeValue(error.message)}"`);
  if (error instanceof InsufficientScopeError && error.scopes && error.scopes.length > 0) {
    parts.push(`scope="${toChallengeValue(error.scopes.join(' '))}"`);
  }
  return parts.join(', ');
}
