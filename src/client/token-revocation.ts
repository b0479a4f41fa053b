/**
 * Token revocation (RFC 7009): one request to the revocation endpoint.
 */
import { authenticatedForm } from '../shared/client-auth.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientConfiguration } from './configuration.js';
import { sendToProvider } from './http.js';
import { refuse } from './token-response.js';

/** Options of {@link revokeToken}. */
export interface RevokeTokenOptions {
  /**
   * RFC 7009 §2.1 `token_type_hint`: `access_token` or `refresh_token` (or an extension type). A hint only: the
   * provider searches every type when it is wrong. None by default.
   */
  readonly tokenTypeHint?: string;
  /** The clock, in milliseconds since the epoch (default `Date.now`), for a `private_key_jwt` assertion. */
  readonly now?: () => number;
}

const REVOKE_TOKEN_OPTION_KEYS = { tokenTypeHint: true, now: true } as const satisfies OptionKeys<RevokeTokenOptions>;

/** A hint is a short type name such as `access_token` (RFC 7009 §2.1, extensible by RFC 7009 §4.1.2). */
const HINT = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * Revokes a token at the provider's revocation endpoint, authenticated as the configured client (RFC 7009
 * §2.1). Resolves once the provider answered 200. RFC 7009 §2.2: "The authorization server responds with HTTP
 * status code 200 if the token has been revoked successfully or if the client submitted an invalid token", so
 * success does not prove that the token existed. Keycloak revokes only tokens issued to the calling client.
 *
 * @throws {TypeError} when the configuration has no revocation endpoint or an option is invalid.
 * @throws {OAuthError} when the provider refuses (`invalid_client`, `unauthorized_client`, `unsupported_token_type`, …).
 * @throws {ProviderUnreachableError | TimeoutError | UnexpectedResponseError} for the other failures (a 503 included).
 * @example
 * await revokeToken(config, accessToken, { tokenTypeHint: 'access_token' })
 */
export async function revokeToken(
  config: ClientConfiguration,
  token: string,
  options: RevokeTokenOptions = {},
): Promise<void> {
  const endpoint = config.revocationEndpoint;
  if (endpoint === undefined) {
    throw new TypeError(
      '"revocationEndpoint" is unknown: the discovery document names none; pass it to createConfiguration',
    );
  }
  if (typeof token !== 'string' || token === '') throw new TypeError('"token" must be a non-empty string');
  refuseUnknownKeys(options, REVOKE_TOKEN_OPTION_KEYS, '');
  const hint = options.tokenTypeHint;
  if (hint !== undefined && (typeof hint !== 'string' || !HINT.test(hint))) {
    throw new TypeError('"tokenTypeHint" must be a token type name such as "access_token" or "refresh_token"');
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('"now" must be a function');
  const now = (options.now ?? Date.now)();
  const { headers, body } = await authenticatedForm(
    config.clientAuth,
    { clientId: config.clientId, issuer: config.issuer, tokenEndpoint: config.tokenEndpoint, now },
    { token, token_type_hint: hint },
  );
  const answer = await sendToProvider({
    method: 'POST',
    url: endpoint,
    headers,
    body,
    timeoutMs: config.timeoutMs,
    transport: config.transport,
  });
  if (answer.status !== 200) refuse(answer, endpoint, 'revocation endpoint');
}
