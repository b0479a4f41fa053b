import type { DecodedJws } from '../jws/compact.js';
import { InvalidTokenError } from '../errors.js';

/** Header `typ` values of an access token: none, plain `JWT`, or RFC 9068's `at+jwt` (media types: any case). */
const ACCESS_TOKEN_HEADER_TYPES: ReadonlySet<string> = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/**
 * Refuses tokens that are not access tokens: Keycloak marks ID, refresh and logout tokens in the payload's
 * `typ` (`ID`, `Refresh`, `Logout`; access tokens say `Bearer`, or `DPoP` when DPoP-bound, whose binding the
 * sender-constraint check then demands), RFC 9068 providers in the header's `typ`. A token without either
 * marker (most OIDC providers) passes.
 */
export function assertAccessToken({ header, payload }: DecodedJws): void {
  if (header.typ !== undefined) {
    if (typeof header.typ !== 'string' || !ACCESS_TOKEN_HEADER_TYPES.has(header.typ.toLowerCase())) {
      throw new InvalidTokenError('token is not an access token (header "typ" is not JWT or at+jwt)', {
        reason: 'not_access_token',
      });
    }
  }
  const typ = (payload as { typ?: unknown }).typ;
  if (typ !== undefined && typ !== 'Bearer' && !(typ === 'DPoP' && hasKeyBinding(payload))) {
    const kind = typ === 'ID' ? 'an ID token' : typ === 'Refresh' ? 'a refresh token' : 'not an access token';
    throw new InvalidTokenError(`token is ${kind} ("typ" claim is not Bearer); send an access token`, {
      reason: 'not_access_token',
    });
  }
}

/** A `DPoP` type claim means an access token only with the key it is bound to (`cnf.jkt`, RFC 9449 §6). */
function hasKeyBinding(payload: DecodedJws['payload']): boolean {
  const cnf = (payload as { cnf?: unknown }).cnf;
  return typeof cnf === 'object' && cnf !== null && typeof (cnf as { jkt?: unknown }).jkt === 'string';
}
