import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { assertAccessToken } from '../claims/access-token.js';
import { checkClaims, checkClaimTypes, clientIdOf, type ClaimRules } from '../claims/validate.js';
import { InvalidTokenError } from '../errors.js';
import { clientRolesOf, realmRolesOf, scopesOf } from '../claims/keycloak.js';
import type { VerifiedToken } from '../jwt/verified-token.js';
import { deepFreeze } from '../jwt/verify.js';

/** An opaque token has no JOSE header: `alg: 'none'` says that nothing was verified by signature. */
const NO_HEADER: JWTHeaderParameters = Object.freeze({ alg: 'none' });

/**
 * Builds the {@link VerifiedToken} of an opaque token from an active introspection answer, under the rules a
 * JWT is held to: `iss` must be the introspecting issuer, `token_type` (when given) Bearer, Keycloak's `typ`
 * (when given) Bearer, and the claim types, `cnf`, `exp`, `nbf`, `iat`, `aud` and the client allow-list as for any token. `payload` is
 * the answer without `active`.
 * An active answer only says that the provider still honours the token; whether it is meant for this API
 * (audience, client, type) is the protected resource's own decision, as for a JWT.
 */
export function introspectedToken(
  token: string,
  claims: Readonly<Record<string, unknown>>,
  issuer: string,
  rules: ClaimRules,
  requireAccessToken: boolean,
): VerifiedToken {
  if (claims.iss !== issuer)
    throw new InvalidTokenError('introspected token "iss" is not the configured issuer', { reason: 'issuer' });
  const tokenType = claims.token_type;
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    throw new InvalidTokenError('introspected "token_type" is not Bearer', { reason: 'not_access_token' });
  }
  const payload = claims as JWTPayload;
  if (requireAccessToken) assertAccessToken({ header: NO_HEADER, payload });
  checkClaimTypes(payload);
  checkClaims(payload, rules);
  return deepFreeze({
    header: NO_HEADER,
    payload,
    token,
    issuer,
    scopes: scopesOf(payload),
    roles: realmRolesOf(payload),
    clientRoles: clientRolesOf(payload),
    clientId: clientIdOf(payload),
  });
}
