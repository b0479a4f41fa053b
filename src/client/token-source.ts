/**
 * A token source binds a configuration, scopes and a cache into the two operations an HTTP client needs.
 */
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientConfiguration } from './configuration.js';
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
}

/** Options of {@link createTokenSource}. */
export interface TokenSourceOptions {
  /** The scopes to ask for. */
  readonly scopes?: readonly string[];
  /** The cache to use; by default a new private cache with default options. */
  readonly cache?: TokenCache;
}

const TOKEN_SOURCE_OPTION_KEYS = { scopes: true, cache: true } as const satisfies OptionKeys<TokenSourceOptions>;

/**
 * Creates a token source for one configuration and set of scopes.
 *
 * @example
 * const source = createTokenSource(config, { scopes: ['test_api_access'] })
 * const api = createBearerAxios(source, { baseURL: 'http://localhost:50100' })
 */
export function createTokenSource(config: ClientConfiguration, options: TokenSourceOptions = {}): TokenSource {
  refuseUnknownKeys(options, TOKEN_SOURCE_OPTION_KEYS, '');
  const request = Object.freeze({ scopes: normalizeScopes(options.scopes) });
  const cache = options.cache ?? createTokenCache();
  return Object.freeze({
    getToken: () => cache.get(config, request),
    invalidate: (token: string) => cache.invalidate(config, request, token),
  });
}
