import type { AuthError } from '../errors.js';
import { InsufficientScopeError, InsufficientUserAuthenticationError } from '../errors.js';

/**
 * What every challenge of one configuration carries besides the error's own attributes: the `realm` (RFC 6750
 * §3) and, for a resource that publishes its metadata, where (RFC 9728 §5.1 `resource_metadata`).
 */
export interface ChallengeContext {
  readonly realm: string;
  readonly resourceMetadata?: string | undefined;
  /** DPoP accepted (RFC 9449 §7.1): the proof algorithms offered, and whether Bearer is refused everywhere. */
  readonly dpop?: DpopChallenge | undefined;
}

/** What a `DPoP` challenge offers. */
export interface DpopChallenge {
  readonly algs: readonly string[];
  readonly required: boolean;
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
  const { realm, resourceMetadata, dpop } = challengeContext(context);
  const attributes: string[] = [];
  if (error.code !== 'unauthorized') {
    attributes.push(`error="${error.code}"`, `error_description="${toChallengeValue(error.message)}"`);
    if (error instanceof InsufficientScopeError && error.scopes && error.scopes.length > 0) {
      attributes.push(`scope="${toChallengeValue(error.scopes.join(' '))}"`);
    }
    if (error instanceof InsufficientUserAuthenticationError) attributes.push(...stepUpAttributes(error));
  }
  const tail = resourceMetadata === undefined ? [] : [`resource_metadata="${toChallengeValue(resourceMetadata)}"`];
  const underDpop = dpop !== undefined && error.scheme === 'DPoP';
  const bearer = [`Bearer realm="${toChallengeValue(realm)}"`, ...(underDpop ? [] : attributes), ...tail].join(', ');
  if (dpop === undefined) return bearer;
  const dpopChallenge = [
    'DPoP algs="' + toChallengeValue(dpop.algs.join(' ')) + '"',
    ...(underDpop ? attributes : []),
    ...tail,
  ].join(', ');
  // RFC 9449 §7.1: a refusal under DPoP (or where only DPoP passes) is a DPoP challenge; a Bearer request keeps
  // its Bearer challenge alone (the answers RFC 6750 clients expect). A 401 under DPoP offers Bearer beside it
  // when Bearer is accepted too.
  if (!underDpop) return bearer;
  if (dpop.required || error.onlyDpop === true || error.status !== 401) return dpopChallenge;
  return `${dpopChallenge}, ${bearer}`;
}
