/**
 * The errors a request can fail with. Each carries the HTTP status and the RFC 6750 error code it maps to,
 * so the one error renderer (`bearer/answer.ts`) needs no table of its own.
 *
 * Messages follow one grammar (lower case, claim names in double quotes) and may appear in
 * `error_description`: they never contain token contents, key material or stack traces.
 */

/**
 * RFC 6750 §3.1 error codes, plus `unauthorized` (no credentials), `temporarily_unavailable` (RFC 6749) and
 * `insufficient_user_authentication` (RFC 9470 §3: the user must authenticate again, more strongly or more recently).
 */
export type AuthErrorCode =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'temporarily_unavailable'
  | DpopErrorCode;

/** RFC 9449 §7.1, §9: a DPoP proof that does not pass, or one that lacks the server's current nonce. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/** Why a DPoP proof is refused. */
export type DpopProofReason =
  | 'dpop_proof' // the proof's format, header, signature or claims are wrong
  | 'dpop_replay' // its `jti` was seen before
  | 'dpop_nonce'; // it lacks a current server nonce

/** Why a token is not valid: stable values for callers, logs and tests to match on (never the message). */
export type InvalidTokenReason =
  | 'malformed' // not a compact JWS, bad base64url or JSON, too long
  | 'algorithm' // `alg` not allowed
  | 'unsupported_header' // a `crit` extension, a non-string `kid`
  | 'unknown_kid' // no published signing key matches
  | 'key_unusable' // the matching key was skipped as unsafe or cannot be used
  | 'signature' // the signature does not verify
  | 'issuer' // `iss` not a trusted issuer
  | 'audience' // `aud` lacks the audience
  | 'expired' // `exp` past (or missing)
  | 'not_yet_valid' // `nbf` in the future
  | 'issued_in_future' // `iat` in the future
  | 'too_old' // older than `maxTokenAge`
  | 'claim_type' // a claim of the wrong JSON type or shape
  | 'not_access_token' // an ID, refresh or logout token
  | 'client' // `azp` / `client_id` not allowed
  | 'sender_constrained' // `cnf` binding not verified
  | 'revoked' // revoked through this library
  | 'inactive'; // the provider's introspection says inactive

/** Why a valid token does not get through this route. */
export type InsufficientReason = 'insufficient_scope' | 'insufficient_role' | 'claim_check';

/** Why the user's authentication is not strong or recent enough (RFC 9470). */
export type StepUpReason =
  | 'insufficient_acr' // `acr` missing or not one of the accepted values
  | 'authentication_too_old'; // `auth_time` missing or older than the route's `maxAge`

/** Why the decision cannot be made now (503). */
export type UnavailableReason =
  | 'provider_unavailable' // keys cannot be fetched
  | 'revocation_store_unavailable'
  | 'introspection_unavailable' // the provider failed to answer an introspection
  | 'introspection_busy' // too many introspections in flight
  | 'replay_store_unavailable'; // the store of seen DPoP proofs cannot be reached

/** Every refusal's stable machine-readable reason, beside its RFC 6750 `code`. */
export type RefusalReason =
  | 'missing_credentials'
  | 'invalid_request'
  | InvalidTokenReason
  | InsufficientReason
  | StepUpReason
  | UnavailableReason
  | DpopProofReason;

/** Base class of every request-time error of this library. */
export abstract class AuthError extends Error {
  /** The RFC 6750 `error` value (and the JSON body's `error`). */
  abstract readonly code: AuthErrorCode;
  /** Why, in one stable word: assert and count on this, never on the message. */
  abstract readonly reason: RefusalReason;
  /** The HTTP status this error answers with. */
  abstract readonly status: number;
  /**
   * The answer's headers (`WWW-Authenticate` or `Retry-After`), set when the guard passes the error on with
   * `next(err)`, so that Express's own final handler answers with the same headers as ours.
   */
  headers: Record<string, string> | undefined;
  /**
   * Set by the guard when the refusal concerns the DPoP scheme (RFC 9449 §7.1): the request came as DPoP, or the
   * route demands it. The challenge then carries the error under `DPoP`; with `onlyDpop`, Bearer is not offered.
   */
  scheme: 'DPoP' | undefined;
  onlyDpop: boolean | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No bearer credentials at all, or credentials of another scheme (RFC 6750 §3.1: no error code). 401. */
export class MissingCredentialsError extends AuthError {
  readonly code = 'unauthorized' as const;
  readonly reason = 'missing_credentials' as const;
  readonly status = 401;
  constructor(message = 'authentication required: send "Authorization: Bearer <access token>"') {
    super(message);
  }
}

/** A malformed request: two credentials, a token in two places, `Bearer` with no token. 400. */
export class InvalidRequestError extends AuthError {
  readonly code = 'invalid_request' as const;
  readonly reason = 'invalid_request' as const;
  readonly status = 400;
}

/** The token is not a valid access token of a configured issuer. 401. */
export class InvalidTokenError extends AuthError {
  readonly code = 'invalid_token' as const;
  readonly status = 401;
  readonly reason: InvalidTokenReason;
  constructor(message: string, options: { readonly reason: InvalidTokenReason; readonly cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
  }
}

/**
 * The token is valid but lacks what the route needs (a scope, a role, a claim). 403, never 401.
 * `scopes` are the scopes the route needs, sent in the challenge's `scope` attribute.
 */
export class InsufficientScopeError extends AuthError {
  readonly code = 'insufficient_scope' as const;
  readonly status = 403;
  readonly scopes: readonly string[] | undefined;
  readonly reason: InsufficientReason;
  constructor(message: string, options: { readonly reason: InsufficientReason; readonly scopes?: readonly string[] }) {
    super(message);
    this.reason = options.reason;
    this.scopes = options.scopes;
  }
}

/**
 * The token is valid but the user authenticated too weakly (`acr`) or too long ago (`auth_time`) for this route
 * (RFC 9470 §3). 401, so the client sends the user to authenticate again; `acrValues` and `maxAge` go into the
 * challenge's `acr_values` and `max_age` attributes, which the client passes on in its authorization request.
 */
export class InsufficientUserAuthenticationError extends AuthError {
  readonly code = 'insufficient_user_authentication' as const;
  readonly status = 401;
  readonly reason: StepUpReason;
  readonly acrValues: readonly string[] | undefined;
  readonly maxAge: number | undefined;
  constructor(
    message: string,
    options: { readonly reason: StepUpReason; readonly acrValues?: readonly string[]; readonly maxAge?: number },
  ) {
    super(message);
    this.reason = options.reason;
    this.acrValues = options.acrValues;
    this.maxAge = options.maxAge;
  }
}

/**
 * The token's key is unknown and the identity provider cannot be reached (or answered with garbage),
 * so the token can neither be accepted nor refused. 503 with `Retry-After`.
 */
export class ProviderUnavailableError extends AuthError {
  readonly code = 'temporarily_unavailable' as const;
  readonly status = 503;
  /** Seconds after which a retry may succeed. */
  readonly retryAfter: number;
  readonly reason: UnavailableReason;
  constructor(
    message: string,
    retryAfter: number,
    options: { readonly reason: UnavailableReason; readonly cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfter = Math.max(1, Math.ceil(retryAfter));
    this.reason = options.reason;
  }
}

/** A DPoP proof that does not pass (RFC 9449 §7.1 `invalid_dpop_proof`). 401. */
export class InvalidDpopProofError extends AuthError {
  readonly code = 'invalid_dpop_proof' as const;
  readonly status = 401;
  readonly reason: DpopProofReason;
  constructor(message: string, options: { readonly reason?: DpopProofReason; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason ?? 'dpop_proof';
  }
}

/** RFC 9449 §9: the proof must carry the nonce this error offers (sent as the `DPoP-Nonce` header). 401. */
export class UseDpopNonceError extends AuthError {
  readonly code = 'use_dpop_nonce' as const;
  readonly reason = 'dpop_nonce' as const;
  readonly status = 401;
  constructor(readonly nonce: string) {
    super('the DPoP proof must carry the nonce of the "DPoP-Nonce" header');
    this.scheme = 'DPoP';
  }
}

/** True for every error this library throws at request time. */
export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}
