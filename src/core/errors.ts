/**
 * The errors a request can fail with. Each carries the HTTP status and the RFC 6750 error code it maps to,
 * so the one error renderer (`bearer/answer.ts`) needs no table of its own.
 *
 * Messages follow one grammar (lower case, claim names in double quotes) and may appear in
 * `error_description`: they never contain token contents, key material or stack traces.
 */

/** RFC 6750 §3.1 error codes, plus `unauthorized` (no credentials) and `temporarily_unavailable` (RFC 6749). */
export type AuthErrorCode =
  'unauthorized' | 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

/** Base class of every request-time error of this library. */
export abstract class AuthError extends Error {
  /** The RFC 6750 `error` value (and the JSON body's `error`). */
  abstract readonly code: AuthErrorCode;
  /** The HTTP status this error answers with. */
  abstract readonly status: number;
  /**
   * The answer's headers (`WWW-Authenticate` or `Retry-After`), set when the guard passes the error on with
   * `next(err)`, so that Express's own final handler answers with the same headers as ours.
   */
  headers: Record<string, string> | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No bearer credentials at all, or credentials of another scheme (RFC 6750 §3.1: no error code). 401. */
export class MissingCredentialsError extends AuthError {
  readonly code = 'unauthorized' as const;
  readonly status = 401;
  constructor(message = 'authentication required: send "Authorization: Bearer <access token>"') {
    super(message);
  }
}

/** A malformed request: two credentials, a token in two places, `Bearer` with no token. 400. */
export class InvalidRequestError extends AuthError {
  readonly code = 'invalid_request' as const;
  readonly status = 400;
}

/** The token is not a valid access token of a configured issuer. 401. */
export class InvalidTokenError extends AuthError {
  readonly code = 'invalid_token' as const;
  readonly status = 401;
}

/**
 * The token is valid but lacks what the route needs (a scope, a role, a claim). 403, never 401.
 * `scopes` are the scopes the route needs, sent in the challenge's `scope` attribute.
 */
export class InsufficientScopeError extends AuthError {
  readonly code = 'insufficient_scope' as const;
  readonly status = 403;
  readonly scopes: readonly string[] | undefined;
  constructor(message: string, scopes?: readonly string[]) {
    super(message);
    this.scopes = scopes;
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
  constructor(message: string, retryAfter: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfter = Math.max(1, Math.ceil(retryAfter));
  }
}

/** True for every error this library throws at request time. */
export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}
