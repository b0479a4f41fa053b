import { buildChallenge, type ChallengeContext } from './challenge.js';
import { ProviderUnavailableError, UseDpopNonceError, type AuthError, type AuthErrorCode } from '../errors.js';

/** The JSON body of a refusal (RFC 6750 §3 names; the description is the error's own message). */
export interface ErrorBody {
  readonly error: AuthErrorCode;
  readonly error_description: string;
}

/** A refusal as HTTP, for any framework to send as it is. */
export interface ErrorAnswer {
  readonly status: number;
  /** `WWW-Authenticate` (RFC 6750 §3) or `Retry-After` (a 503), and `Cache-Control: no-store`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
}

/** The headers an error answers with: `WWW-Authenticate`, or `Retry-After` for a 503. */
export function errorHeaders(error: AuthError, context: string | ChallengeContext): Record<string, string> {
  if (error instanceof ProviderUnavailableError) return { 'Retry-After': String(error.retryAfter) };
  const challenge = buildChallenge(error, context);
  const headers: Record<string, string> = challenge === undefined ? {} : { 'WWW-Authenticate': challenge };
  if (error instanceof UseDpopNonceError) headers['DPoP-Nonce'] = error.nonce; // RFC 9449 §9
  return headers;
}

/**
 * THE one place an error becomes an HTTP answer: status, headers and the JSON body `{ error,
 * error_description }`. The description is the error's own message, which never holds token contents, keys
 * or a stack. Every adapter sends exactly this.
 */
export function errorAnswer(error: AuthError, context: string | ChallengeContext): ErrorAnswer {
  return {
    status: error.status,
    headers: { ...errorHeaders(error, context), 'Cache-Control': 'no-store' },
    body: { error: error.code, error_description: error.message },
  };
}
