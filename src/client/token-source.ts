/**
 * A token source binds a configuration, scopes and a cache into the two operations an HTTP client needs.
 */
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientConfiguration } from './configuration.js';
import { createDpopKey } from './dpop.js';
import type { DpopKey } from './dpop.js';
import { normalizeScopes } from './options.js';
import { createTokenCache } from './token-cache.js';
import type { TokenCache } from './token-cache.js';
import type { AccessToken } from './token-response.js';

/** Gets the current token and forgets a refused one; what {@link createBearerAxios} needs. */
export interface TokenSource {
  /** Returns a token that is not about to expire. */
  getToken(): Promise<AccessToken>;
  /** Forgets `token`, so that the next {@link TokenSource.getToken} asks for a new one. */
  invalidate(token: string): void;
  /** The DPoP key its tokens are bound to, when it asks for DPoP-bound tokens: requests must prove it. */
  readonly dpop?: DpopKey | undefined;
}

/** Options of {@link createTokenSource}. */
export interface TokenSourceOptions {
  /** The scopes to ask for. */
  readonly scopes?: readonly string[];
  /** The cache to use; by default a new private cache with default options. */
  readonly cache?: TokenCache;
  /**
   * Ask for DPoP-bound tokens (RFC 9449): `true` makes a fresh ES256 key pair for this source, kept as long as
   * the source (so as long as its tokens); or give a key of your own from {@link createDpopKey}.
   */
  readonly dpop?: boolean | DpopKey;
}

const TOKEN_SOURCE_OPTION_KEYS = {
  scopes: true,
  cache: true,
  dpop: true,
} as const satisfies OptionKeys<TokenSourceOptions>;

/**
 * Creates a token source for one configuration and set of scopes.
 *
 * @example
 * const source = createTokenSource(config, { scopes: ['test_api_access'] })
 * const api = createBearerAxios(source, { baseURL: 'http://localhost:50100' })
 */
export function createTokenSource(config: ClientConfiguration, options: TokenSourceOptions = {}): TokenSource {
  refuseUnknownKeys(options, TOKEN_SOURCE_OPTION_KEYS, '');
  const option = options.dpop;
  if (option !== undefined && typeof option !== 'boolean' && (typeof option !== 'object' || option === null)) {
    throw new TypeError('"dpop" must be a boolean or a DPoP key from createDpopKey');
  }
  const dpop = option === true ? createDpopKey() : option === false ? undefined : option;
  const scopes = normalizeScopes(options.scopes);
  const request = Object.freeze(dpop === undefined ? { scopes } : { scopes, dpop });
  const cache = options.cache ?? createTokenCache();
  return Object.freeze({
    dpop,
    getToken: () => cache.get(config, request),
    invalidate: (token: string) => cache.invalidate(config, request, token),
  });
}
