import type { JWTPayload } from 'jose';
import { InvalidTokenError } from './errors.js';

/** What the registered-claim checks need. */
export interface ClaimRules {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly audience: readonly string[] | false;
  readonly allowedClients: ReadonlySet<string> | undefined;
}

function numericDate(payload: JWTPayload, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidTokenError(`"${claim}" claim must be a number`);
  return value;
}

/**
 * RFC 7519 §4.1.4: "The processing of the "exp" claim requires that the current date/time MUST be before the
 * expiration date/time listed in the "exp" claim." `exp` is required; `nbf` and `iat` must not be in the future.
 */
function checkTimes(payload: JWTPayload, rules: ClaimRules): void {
  const { now, clockTolerance: tolerance } = rules;
  const exp = numericDate(payload, 'exp');
  const nbf = numericDate(payload, 'nbf');
  const iat = numericDate(payload, 'iat');
  if (exp === undefined) throw new InvalidTokenError('token has no "exp" claim');
  if (now - tolerance >= exp) throw new InvalidTokenError('token has expired');
  if (nbf !== undefined && nbf > now + tolerance)
    throw new InvalidTokenError('token is not valid yet ("nbf" is in the future)');
  if (iat !== undefined && iat > now + tolerance) throw new InvalidTokenError('token was issued in the future ("iat")');
  if (rules.maxTokenAge !== undefined) {
    if (iat === undefined) throw new InvalidTokenError('token has no "iat" claim, so its age cannot be checked');
    if (now - iat - tolerance > rules.maxTokenAge)
      throw new InvalidTokenError('token is too old ("iat" is too far in the past)');
  }
}

/**
 * RFC 7519 §4.1.3: "Each principal intended to process the JWT MUST identify itself with a value in the
 * audience claim. If the principal … does not identify itself with a value in the "aud" claim … the JWT MUST
 * be rejected."
 */
function checkAudience(payload: JWTPayload, audience: readonly string[]): void {
  const aud = payload.aud;
  if (
    typeof aud === 'string'
      ? audience.includes(aud)
      : Array.isArray(aud) && aud.every((v) => typeof v === 'string') && audience.some((a) => aud.includes(a))
  ) {
    return; // the common case, without building any message
  }
  const named = audience.map((a) => `"${a}"`).join(' or ');
  if (aud === undefined) {
    throw new InvalidTokenError(`token has no "aud" claim; add an Audience mapper for ${named} to the client`);
  }
  const values: unknown[] = Array.isArray(aud) ? aud : [aud];
  if (values.some((v) => typeof v !== 'string'))
    throw new InvalidTokenError('"aud" claim must be a string or an array of strings');
  if (!audience.some((a) => values.includes(a))) {
    throw new InvalidTokenError(`token "aud" does not include ${named}; add an Audience mapper for it to the client`);
  }
}

/** The client a token was issued to: Keycloak's `azp`, else RFC 9068's `client_id`. */
export function clientIdOf(payload: JWTPayload): string | undefined {
  const id = payload.azp ?? payload.client_id;
  return typeof id === 'string' ? id : undefined;
}

/** Checks the registered claims of a decoded payload (all but `iss`, which selects the issuer). */
export function checkClaims(payload: JWTPayload, rules: ClaimRules): void {
  checkTimes(payload, rules);
  if (rules.audience !== false) checkAudience(payload, rules.audience);
  if (rules.allowedClients !== undefined) {
    const client = clientIdOf(payload);
    if (client === undefined || !rules.allowedClients.has(client)) {
      throw new InvalidTokenError('token was issued to a client that is not allowed ("azp")');
    }
  }
}
