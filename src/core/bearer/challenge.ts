import type { AuthError } from '../errors.js';
import { InsufficientScopeError, InsufficientUserAuthenticationError } from '../errors.js';

/**
 * What every challenge of one configuration carries besides the error's own attributes: the `realm` (RFC 6750
 * §3) and, for a resource that publishes its metadata, where (RFC 9728 §5.1 `resource_metadata`).
 */
export interface ChallengeContext {
  readonly realm: string;
  readonly resourceMetadata?: string | undefined;
}

/** A realm alone, for callers that give the realm as a string. */
export function challengeContext(value: string | ChallengeContext): ChallengeContext {
  return typeof value === 'string' ? { realm: value } : value;
}

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

/** RFC 9470 §3: `acr_values` (space-separated) and `max_age` tell the client what authentication to ask for. */
function stepUpAttributes(error: InsufficientUserAuthenticationError): string[] {
  const parts: string[] = [];
  if (error.acrValues && error.acrValues.length > 0)
    parts.push(`acr_values="${toChallengeValue(error.acrValues.join(' '))}"`);
  if (error.maxAge !== undefined) parts.push(`max_age="${error.maxAge}"`);
  return parts;
}

/**
 * Builds the `WWW-Authenticate` value for an error (RFC 6750 §3). Missing credentials get the bare
 * challenge with no error code (§3.1); a 503 gets none (`undefined`). A configured `resourceMetadata` URL
 * ends every challenge (RFC 9728 §5.1), so a client that was refused learns where to find out how to get in.
 */
export function buildChallenge(error: AuthError, context: string | ChallengeContext): string | undefined {
  if (error.status === 503) return undefined;
  const { realm, resourceMetadata } = challengeContext(context);
  const parts = [`Bearer realm="${toChallengeValue(realm)}"`];
  if (error.code !== 'unauthorized') {
    parts.push(`error="${error.code}"`, `error_description="${toChallengeValue(error.message)}"`);
    if (error instanceof InsufficientScopeError && error.scopes && error.scopes.length > 0) {
      parts.push(`scope="${toChallengeValue(error.scopes.join(' '))}"`);
    }
    if (error instanceof InsufficientUserAuthenticationError) parts.push(...stepUpAttributes(error));
  }
  if (resourceMetadata !== undefined) parts.push(`resource_metadata="${toChallengeValue(resourceMetadata)}"`);
  return parts.join(', ');
}
