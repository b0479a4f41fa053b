/**
 * Reuse of client-credentials tokens: one token per (credentials, issuer, token endpoint, client, scopes),
 * refreshed shortly before it expires, with concurrent callers sharing one in-flight request.
 */
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientAuth } from './client-auth.js';
import type { ClientConfiguration } from './configuration.js';
import type { DpopKey } from './dpop.js';
import { assertOptionalFunction, assertOptionalNumber, normalizeScopes } from './options.js';
import { clientCredentialsGrant } from './token-endpoint.js';
import type { AccessToken } from './token-response.js';

/** Options of {@link createTokenCache}. Read once, at construction. */
export interface TokenCacheOptions {
  /**
   * How long before expiry a token stops being reused, in seconds (default 30). Capped at half the token's
   * lifetime, so that a short-lived token is still reused for the first half of its life.
   */
  readonly skewSeconds?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

const TOKEN_CACHE_OPTION_KEYS = { skewSeconds: true, now: true } as const satisfies OptionKeys<TokenCacheOptions>;

/** Which token to get from a {@link TokenCache}. */
export interface TokenRequest {
  /** The scopes to ask for; their order does not matter. */
  readonly scopes?: readonly string[];
  /** Ask for tokens bound to this DPoP key; tokens bound to different keys (or to none) are kept apart. */
  readonly dpop?: DpopKey;
}

const TOKEN_REQUEST_KEYS = { scopes: true, dpop: true } as const satisfies OptionKeys<TokenRequest>;

/** A cache of access tokens; see {@link createTokenCache}. */
export interface TokenCache {
  /** Returns a token that is not about to expire, asking the token endpoint only when needed. */
  get(config: ClientConfiguration, request?: TokenRequest): Promise<AccessToken>;
  /** Forgets `token` (for instance after the API refused it); a newer token is left alone. */
  invalidate(config: ClientConfiguration, request: TokenRequest | undefined, token: string): void;
  /** Forgets every token. */
  clear(): void;
}

type Entry =
  | { readonly kind: 'token'; readonly token: AccessToken; readonly refreshAt: number }
  | { readonly kind: 'pending'; readonly promise: Promise<AccessToken> };

const DEFAULT_SKEW_SECONDS = 30;

/**
 * Creates a token cache. Tokens are kept per client authentication strategy value as well as per issuer, token
 * endpoint, client id and sorted scopes, so that two sets of credentials for the same client never share a
 * token. A failed request is not cached: the next call asks again.
 *
 * @example
 * const cache = createTokenCache({ skewSeconds: 30 })
 * const { token } = await cache.get(config, { scopes: ['test_api_access'] })
 */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  refuseUnknownKeys(options, TOKEN_CACHE_OPTION_KEYS, '');
  assertOptionalNumber('skewSeconds', options.skewSeconds, 0, 86_400);
  assertOptionalFunction('now', options.now);
  const skewMs = (options.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  let stores = new WeakMap<ClientAuth, Map<string, Entry>>();
  const dpopKeyIds = new WeakMap<DpopKey, number>();
  let dpopKeyCount = 0;
  const dpopKeyId = (dpop: DpopKey | undefined): number | null => {
    if (dpop === undefined) return null;
    let id = dpopKeyIds.get(dpop);
    if (id === undefined) dpopKeyIds.set(dpop, (id = ++dpopKeyCount));
    return id;
  };

  const locate = (config: ClientConfiguration, request: TokenRequest | undefined) => {
    if (request !== undefined) refuseUnknownKeys(request, TOKEN_REQUEST_KEYS, '');
    const scopes = normalizeScopes(request?.scopes);
    let entries = stores.get(config.clientAuth);
    if (entries === undefined) stores.set(config.clientAuth, (entries = new Map()));
    const dpop = request?.dpop;
    const key = JSON.stringify([config.issuer ?? null, config.tokenEndpoint, config.clientId, scopes, dpopKeyId(dpop)]);
    return { scopes, entries, key, dpop };
  };

  const refreshAt = (token: AccessToken): number => {
    if (token.expiresAt === undefined || token.expiresIn === undefined) return -Infinity;
    return token.expiresAt - Math.min(skewMs, (token.expiresIn * 1000) / 2);
  };

  return Object.freeze({
    async get(config: ClientConfiguration, request?: TokenRequest): Promise<AccessToken> {
      const { scopes, entries, key, dpop } = locate(config, request);
      const entry = entries.get(key);
      if (entry?.kind === 'token' && now() < entry.refreshAt) return entry.token;
      if (entry?.kind === 'pending') return entry.promise;
      const promise = clientCredentialsGrant(config, { scopes, now, ...(dpop === undefined ? {} : { dpop }) }).then(
        (token) => {
          entries.set(key, { kind: 'token', token, refreshAt: refreshAt(token) });
          return token;
        },
        (error: unknown) => {
          if (entries.get(key) === pending) entries.delete(key);
          throw error;
        },
      );
      const pending: Entry = { kind: 'pending', promise };
      entries.set(key, pending);
      return promise;
    },
    invalidate(config: ClientConfiguration, request: TokenRequest | undefined, token: string): void {
      const { entries, key } = locate(config, request);
      const entry = entries.get(key);
      if (entry?.kind === 'token' && entry.token.token === token) entries.delete(key);
    },
    clear(): void {
      stores = new WeakMap();
    },
  });
}
