/**
 * The client credentials grant (RFC 6749 §4.4): one request to the token endpoint.
 */
import { authenticatedForm } from '../shared/client-auth.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientConfiguration } from './configuration.js';
import type { DpopKey } from './dpop.js';
import { sendToProvider } from './http.js';
import type { ProviderAnswer } from './http.js';
import { assertOptionalFunction, normalizeScopes } from './options.js';
import { parseTokenResponse } from './token-response.js';
import type { AccessToken } from './token-response.js';

/** Options of {@link clientCredentialsGrant}. */
export interface ClientCredentialsOptions {
  /** The scopes to ask for; none by default (the provider then grants the client's default scopes). */
  readonly scopes?: readonly string[];
  /** The clock, in milliseconds since the epoch (default `Date.now`); `expiresAt` is counted from it. */
  readonly now?: () => number;
  /** Ask for a DPoP-bound token (RFC 9449 §5), proving this key; the answer must then be `token_type: DPoP`. */
  readonly dpop?: DpopKey;
}

const CLIENT_CREDENTIALS_OPTION_KEYS = {
  scopes: true,
  now: true,
  dpop: true,
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
  const dpop = options.dpop;
  if (dpop !== undefined && (typeof dpop !== 'object' || typeof dpop.proof !== 'function')) {
    throw new TypeError('"dpop" must be a DPoP key from createDpopKey');
  }
  const requestedAt = (options.now ?? Date.now)();
  const send = async (nonce: string | undefined): Promise<ProviderAnswer> => {
    // Authenticated afresh for each attempt: a client assertion is single-use at the provider.
    const { headers, body } = await authenticatedForm(
      config.clientAuth,
      { clientId: config.clientId, issuer: config.issuer, tokenEndpoint: config.tokenEndpoint, now: requestedAt },
      { grant_type: 'client_credentials', scope: scopes.length > 0 ? scopes.join(' ') : undefined },
    );
    if (dpop !== undefined) {
      headers.dpop = await dpop.proof({
        htm: 'POST',
        htu: config.tokenEndpoint,
        ...(nonce === undefined ? {} : { nonce }),
      });
    }
    return sendToProvider({
      method: 'POST',
      url: config.tokenEndpoint,
      headers,
      body,
      timeoutMs: config.timeoutMs,
      transport: config.transport,
    });
  };
  let answer = await send(undefined);
  const nonce = dpop === undefined ? undefined : nonceDemanded(answer);
  if (nonce !== undefined) answer = await send(nonce);
  return parseTokenResponse(answer, config.tokenEndpoint, scopes, requestedAt, dpop === undefined ? 'Bearer' : 'DPoP');
}

/**
 * RFC 9449 §8: a provider that wants a server nonce answers 400 `use_dpop_nonce` with a `DPoP-Nonce` header;
 * the request is then sent once more with a proof carrying it. Any other answer is taken as it is.
 */
function nonceDemanded(answer: ProviderAnswer): string | undefined {
  if (answer.status !== 400 || answer.dpopNonce === undefined || answer.dpopNonce === '') return undefined;
  try {
    return (JSON.parse(answer.body) as { error?: unknown }).error === 'use_dpop_nonce' ? answer.dpopNonce : undefined;
  } catch {
    return undefined;
  }
}
