/**
 * Parsing of the token endpoint's answer: a successful response (RFC 6749 §5.1) becomes an {@link AccessToken},
 * an error response (RFC 6749 §5.2) an {@link OAuthError}, anything else an {@link UnexpectedResponseError}.
 */
import { OAuthError, UnexpectedResponseError } from './errors.js';
import type { ProviderAnswer } from './http.js';
import { parseJsonObject } from './http.js';

/** An access token obtained from the token endpoint. */
export interface AccessToken {
  /** The access token itself, to send as `Authorization: Bearer <token>` (or `DPoP <token>` with a proof). */
  readonly token: string;
  /**
   * `Bearer`, or `DPoP` for a token bound to a DPoP key (RFC 9449 §5): the type that was asked for, any other
   * is refused (RFC 6749 §7.1 compares it case-insensitively).
   */
  readonly tokenType: 'Bearer' | 'DPoP';
  /** The lifetime in seconds that the provider announced, if any. */
  readonly expiresIn: number | undefined;
  /** When the token expires, in milliseconds since the epoch, counted from when it was requested. */
  readonly expiresAt: number | undefined;
  /** The granted scopes: the `scope` of the answer, or the requested ones when it has none (RFC 6749 §5.1). */
  readonly scopes: readonly string[];
}

/** Longest provider-supplied text kept in an error message. */
const MAX_TEXT = 300;

/** Keeps provider text printable and short, so that it cannot flood or drive a terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean;
}

/**
 * Throws the error that a non-200 answer stands for: an OAuth error response (4xx with `error`) is an
 * {@link OAuthError} naming `endpoint`, anything else an {@link UnexpectedResponseError}.
 */
export function refuse(answer: ProviderAnswer, url: string, endpoint = 'token endpoint'): never {
  let body: Record<string, unknown> | undefined;
  try {
    body = parseJsonObject(answer, 'the answer');
  } catch {
    body = undefined;
  }
  const error = body?.['error'];
  const description = body?.['error_description'];
  if (answer.status >= 400 && answer.status < 500 && typeof error === 'string' && error !== '') {
    throw new OAuthError(
      printable(error),
      typeof description === 'string' ? printable(description) : undefined,
      answer.status,
      endpoint,
    );
  }
  throw new UnexpectedResponseError(
    `unexpected HTTP status ${answer.status} from "${url}"` +
      (typeof error === 'string' ? ` with "${printable(error)}"` : ''),
    answer.status,
  );
}

function invalid(what: string, status: number): never {
  throw new UnexpectedResponseError(`invalid token response: ${what}`, status);
}

function parseExpiresIn(value: unknown, status: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    invalid('"expires_in" must be a positive number of seconds', status);
  }
  return seconds;
}

/**
 * Turns the token endpoint's answer into an {@link AccessToken}, or throws.
 *
 * @param requested the scopes that were asked for
 * @param requestedAt when the request was sent, by the client's clock (ms)
 */
export function parseTokenResponse(
  answer: ProviderAnswer,
  url: string,
  requested: readonly string[],
  requestedAt: number,
  expectedType: 'Bearer' | 'DPoP' = 'Bearer',
): AccessToken {
  if (answer.status !== 200) refuse(answer, url);
  const body = parseJsonObject(answer, 'the token response');
  const token = body['access_token'];
  if (typeof token !== 'string' || token === '') invalid('missing "access_token"', answer.status);
  const tokenType = body['token_type'];
  if (typeof tokenType !== 'string') invalid('missing "token_type"', answer.status);
  if (tokenType.toLowerCase() !== expectedType.toLowerCase()) {
    // A Bearer answer to a DPoP request means the provider ignored the proof: the token is not bound.
    invalid(`"token_type" must be "${expectedType}", got "${printable(tokenType)}"`, answer.status);
  }
  const expiresIn = parseExpiresIn(body['expires_in'], answer.status);
  const scope = body['scope'];
  if (scope !== undefined && typeof scope !== 'string') invalid('"scope" must be a string', answer.status);
  return Object.freeze({
    token,
    tokenType: expectedType,
    expiresIn,
    expiresAt: expiresIn === undefined ? undefined : requestedAt + expiresIn * 1000,
    scopes: Object.freeze(scope === undefined ? [...requested] : scope.split(' ').filter(Boolean)),
  });
}
