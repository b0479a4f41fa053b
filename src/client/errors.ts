/**
 * The client's errors: one base class with a stable `code`, one subclass per kind of failure.
 *
 * Messages name the URL and what went wrong. They never contain the client secret, a private key,
 * a client assertion or an access token, and `cause` is only ever the low-level Node error
 * (never the failed request, whose headers hold the credentials).
 */

/** Every `code` a {@link ClientError} can carry, so that callers can `switch` on it. */
export type ClientErrorCode = 'ERR_OAUTH' | 'ERR_PROVIDER_UNREACHABLE' | 'ERR_TIMEOUT' | 'ERR_UNEXPECTED_RESPONSE';

/**
 * Base class of every error the client throws at request time (configuration mistakes throw `TypeError`).
 *
 * @example
 * try { await cache.get(config) } catch (e) { if (e instanceof ClientError) console.error(e.code, e.message) }
 */
export abstract class ClientError extends Error {
  /** The stable machine-readable kind of failure. */
  abstract readonly code: ClientErrorCode;
  override name = this.constructor.name;
}

/**
 * The token endpoint (or the revocation endpoint, RFC 7009 §2.2.1) answered with an OAuth 2.0 error response
 * (RFC 6749 §5.2), such as `invalid_client`, `unauthorized_client`, `invalid_scope` or `unsupported_token_type`.
 *
 * @example
 * if (e instanceof OAuthError && e.error === 'invalid_client') { … }
 */
export class OAuthError extends ClientError {
  readonly code = 'ERR_OAUTH';
  /** The `error` code sent by the provider. */
  readonly error: string;
  /** The provider's `error_description`, if any. */
  readonly errorDescription: string | undefined;
  /** The HTTP status of the token endpoint's answer. */
  readonly status: number;

  /** `endpoint` names the endpoint that refused, for the message (default `token endpoint`). */
  constructor(error: string, errorDescription: string | undefined, status: number, endpoint = 'token endpoint') {
    super(
      `the ${endpoint} refused the request with "${error}"` +
        (errorDescription === undefined ? '' : `: ${errorDescription}`),
    );
    this.error = error;
    this.errorDescription = errorDescription;
    this.status = status;
  }
}

/**
 * The provider could not be reached at all: connection refused or reset, unknown host, no route.
 *
 * @example
 * if (e instanceof ProviderUnreachableError) console.error(`is the provider running? (${e.reason})`)
 */
export class ProviderUnreachableError extends ClientError {
  readonly code = 'ERR_PROVIDER_UNREACHABLE';
  /** The URL that could not be reached. */
  readonly url: string;
  /** The system error code, such as `ECONNREFUSED` or `ENOTFOUND`, when known. */
  readonly reason: string | undefined;

  constructor(url: string, reason: string | undefined, options?: ErrorOptions) {
    super(`could not reach "${url}"` + (reason === undefined ? '' : ` (${reason})`), options);
    this.url = url;
    this.reason = reason;
  }
}

/**
 * The provider accepted the connection but did not answer within the configured time.
 *
 * @example
 * if (e instanceof TimeoutError) console.error(`no answer within ${e.timeoutMs} ms`)
 */
export class TimeoutError extends ClientError {
  readonly code = 'ERR_TIMEOUT';
  /** The URL that did not answer in time. */
  readonly url: string;
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(url: string, timeoutMs: number, options?: ErrorOptions) {
    super(`no answer from "${url}" within ${timeoutMs} ms`, options);
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The provider answered, but not with something usable: an unexpected HTTP status (5xx, a redirect, a 404),
 * a body that is not JSON, or JSON that lacks a required member.
 *
 * @example
 * if (e instanceof UnexpectedResponseError) console.error(e.status, e.message)
 */
export class UnexpectedResponseError extends ClientError {
  readonly code = 'ERR_UNEXPECTED_RESPONSE';
  /** The HTTP status of the answer, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}
