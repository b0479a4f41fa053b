/**
 * The client credentials grant (RFC 6749 §4.4): one request to the token endpoint.
 */
import { authenticatedForm } from '../shared/client-auth.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientConfiguration } from './configuration.js';
import { sendToProvider } from './http.js';
import { assertOptionalFunction, normalizeScopes } from './options.js';
import { parseTokenResponse } from './token-response.js';
import type { AccessToken } from './token-response.js';

/** Options of {@link clientCredentialsGrant}. */
export interface ClientCredentialsOptions {
  /** The scopes to ask for; none by default (the provider then grants the client's default scopes). */
  readonly scopes?: readonly string[];
  /** The clock, in milliseconds since the epoch (default `Date.now`); `expiresAt` is counted from it. */
  readonly now?: () => number;
}

const CLIENT_CREDENTIALS_OPTION_KEYS = {
  scopes: true,
  now: true,
} as const satisfies OptionKeys<ClientCredentialsOptions>;

/**
 * Asks the token endpoint for an access token with the client credentials grant. Every call is one request:
 * use a token cache ({@link createTokenCache}) to reuse tokens.
 *
 * @throws {OAuthError} when the provider refuses (`invalid_client`, `invalid_scope`, …).
 * @throws {ProviderUnreachableError | TimeoutError | UnexpectedResponseError} for the other failures.
 * @example
 * const { token, expiresAt } = await clientCredentialsGrant(config, { scopes: ['test_api_access'] })
 */
export async function clientCredentialsGrant(
  config: ClientConfiguration,
  options: ClientCredentialsOptions = {},
): Promise<AccessToken> {
  refuseUnknownKeys(options, CLIENT_CREDENTIALS_OPTION_KEYS, '');
  const scopes = normalizeScopes(options.scopes);
  assertOptionalFunction('now', options.now);
  const requestedAt = (options.now ?? Date.now)();
  const { headers, body } = await authenticatedForm(
    config.clientAuth,
    { clientId: config.clientId, issuer: config.issuer, tokenEndpoint: config.tokenEndpoint, now: requestedAt },
    { grant_type: 'client_credentials', scope: scopes.length > 0 ? scopes.join(' ') : undefined },
  );
  const answer = await sendToProvider({
    method: 'POST',
    url: config.tokenEndpoint,
    headers,
    body,
    timeoutMs: config.timeoutMs,
  });
  return parseTokenResponse(answer, config.tokenEndpoint, scopes, requestedAt);
}
