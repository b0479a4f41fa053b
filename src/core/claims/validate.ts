import type { JWTPayload } from 'jose';
import { InvalidTokenError } from '../errors.js';

/** What the registered-claim checks need. */
export interface ClaimRules {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly audience: readonly string[] | false;
  /** RFC 8707: the resource `aud` must contain as well. */
  readonly resourceAudience?: string | undefined;
  readonly allowedClients: ReadonlySet<string> | undefined;
}

const AUD_TYPE = '"aud" claim must be a string or an array of strings';

function numericDate(payload: JWTPayload, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidTokenError(`"${claim}" claim must be a number`, { reason: 'claim_type' });
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
  if (exp === undefined) throw new InvalidTokenError('token has no "exp" claim', { reason: 'claim_type' });
  if (now - tolerance >= exp) throw new InvalidTokenError('token has expired', { reason: 'expired' });
  if (nbf !== undefined && nbf > now + tolerance)
    throw new InvalidTokenError('token is not valid yet ("nbf" is in the future)', { reason: 'not_yet_valid' });
  if (iat !== undefined && iat > now + tolerance)
    throw new InvalidTokenError('token was issued in the future ("iat")', { reason: 'issued_in_future' });
  if (rules.maxTokenAge !== undefined) {
    if (iat === undefined)
      throw new InvalidTokenError('token has no "iat" claim, so its age cannot be checked', { reason: 'too_old' });
    if (now - iat - tolerance > rules.maxTokenAge)
      throw new InvalidTokenError('token is too old ("iat" is too far in the past)', { reason: 'too_old' });
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
    throw new InvalidTokenError(`token has no "aud" claim; add an Audience mapper for ${named} to the client`, {
      reason: 'audience',
    });
  }
  const values: unknown[] = Array.isArray(aud) ? aud : [aud];
  if (values.some((v) => typeof v !== 'string')) throw new InvalidTokenError(AUD_TYPE, { reason: 'claim_type' });
  if (!audience.some((a) => values.includes(a))) {
    throw new InvalidTokenError(`token "aud" does not include ${named}; add an Audience mapper for it to the client`, {
      reason: 'audience',
    });
  }
}

/** The client a token was issued to: Keycloak's `azp`, else RFC 9068's `client_id`. */
export function clientIdOf(payload: JWTPayload): string | undefined {
  const id = payload.azp ?? payload.client_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Claims that must be strings when present. RFC 7519 §4.1.2, §4.1.7: `sub` is a StringOrURI and `jti` a string;
 * RFC 9068 §2.2 and OIDC Core §2: `client_id`, `azp`, `acr`, `sid` are strings; Keycloak's `typ` and
 * `preferred_username` are strings. Handlers read them as the types say (`req.auth.payload.sub`), so a number,
 * an array or `{"$ne": null}` in their place is a malformed token, never a value passed on.
 */
const STRING_CLAIMS = ['sub', 'jti', 'client_id', 'azp', 'typ', 'sid', 'acr', 'preferred_username'] as const;

/** The confirmation methods whose binding the guard verifies: DPoP (RFC 9449 §6.1), mTLS (RFC 8705 §3.1). */
const VERIFIABLE_CONFIRMATIONS: ReadonlySet<string> = new Set(['jkt', 'x5t#S256']);

/**
 * RFC 7800 §3.1: a `cnf` claim says that "the presenter of the JWT possesses a particular key"; RFC 9449 (DPoP,
 * `jkt`) and RFC 8705 (mTLS, `x5t#S256`) bind the token to that key. The guard admits those two only with their
 * binding verified on each request (`core/dpop/binding.ts`); a confirmation of any other kind, or of the wrong
 * shape, is refused here rather than taken as a plain bearer token that a thief could replay without the key.
 * Applies to JWT claims and introspection answers alike.
 */
/** RFC 7800 §3.2-3.5 confirmation methods this guard cannot verify: beside a verifiable one, still refused. */
const RFC_7800_METHODS: ReadonlySet<string> = new Set(['jwk', 'jwe', 'kid', 'jku']);

export function refuseSenderConstrained(claims: Readonly<Record<string, unknown>>): void {
  const cnf = claims.cnf;
  if (cnf === undefined) return;
  // A binding this guard verifies (every one present, each a non-empty string) makes the token usable only with
  // its key; members beside it that are no confirmation method of their own (Keycloak adds "kc-jkt-type") do not
  // loosen that. A cnf with no verifiable method at all is refused.
  const members = typeof cnf === 'object' && cnf !== null && !Array.isArray(cnf) ? Object.entries(cnf) : [];
  const methods = members.filter(([name]) => VERIFIABLE_CONFIRMATIONS.has(name));
  const verifiable =
    methods.length > 0 &&
    methods.every(([, value]) => typeof value === 'string' && value !== '') &&
    members.every(([name]) => VERIFIABLE_CONFIRMATIONS.has(name) || !RFC_7800_METHODS.has(name));
  if (!verifiable) {
    throw new InvalidTokenError(
      'token is sender-constrained ("cnf") by a method this guard cannot verify (only DPoP "jkt" and mTLS "x5t#S256")',
      { reason: 'sender_constrained' },
    );
  }
}

/**
 * Checks the JSON types of the claims this library reads or declares, and refuses sender-constrained tokens.
 * Run once per token (a JWT's payload or an introspection answer); the times and `aud` values are judged
 * by {@link checkClaims}, the scope and role shapes where they are read (`keycloak.ts`).
 */
export function checkClaimTypes(claims: Readonly<Record<string, unknown>>): void {
  for (const claim of STRING_CLAIMS) {
    if (claims[claim] !== undefined && typeof claims[claim] !== 'string')
      throw new InvalidTokenError(`"${claim}" claim must be a string`, { reason: 'claim_type' });
  }
  const authTime = claims.auth_time;
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime)))
    throw new InvalidTokenError('"auth_time" claim must be a number', { reason: 'claim_type' });
  const aud = claims.aud;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((v) => typeof v === 'string')))
    throw new InvalidTokenError(AUD_TYPE, { reason: 'claim_type' }); // checked here too, for `audience: false`
  refuseSenderConstrained(claims);
}

/** Checks the registered claims of a decoded payload (all but `iss`, which selects the issuer). */
export function checkClaims(payload: JWTPayload, rules: ClaimRules): void {
  checkTimes(payload, rules);
  if (rules.audience !== false) checkAudience(payload, rules.audience);
  if (rules.resourceAudience !== undefined) checkAudience(payload, [rules.resourceAudience]);
  if (rules.allowedClients !== undefined) {
    const client = clientIdOf(payload);
    if (client === undefined || !rules.allowedClients.has(client)) {
      throw new InvalidTokenError('token was issued to a client that is not allowed ("azp")', { reason: 'client' });
    }
  }
}
