import type { IntrospectionClientAuth } from './client-auth.js';
import { secretBasic } from '../../shared/client-auth.js';
import { refuseUnknownKeys, type OptionKeys } from '../../shared/option-keys.js';
import { checkUrl } from '../../shared/url-policy.js';
import { assertPositive, type ResolvedIssuer, type ResolvedOptions } from '../options.js';

/**
 * Token introspection (RFC 7662): the guard asks the provider whether a token is still active, authenticating
 * as the resource server's own client. Read once, like every option.
 */
export interface IntrospectionOptions {
  /**
   * The resource server's own client at the provider. Keycloak answers `active: false` to a client that is not
   * in the token's `aud`, so use the client your audience names (e.g. `test-api`).
   */
  readonly clientId: string;
  /** Its secret, sent as `client_secret_basic`. Give this or `clientAuth`. */
  readonly clientSecret?: string;
  /** Another client authentication, e.g. `privateKeyJwt(key)` or `clientSecretPost(secret)` from `bearer-guard/client`. */
  readonly clientAuth?: IntrospectionClientAuth;
  /** Which configured issuer introspects. Default: the only one; required when there are several. */
  readonly issuer?: string;
  /**
   * The introspection endpoint. Default: discovery's `introspection_endpoint`, else (no discovery document)
   * Keycloak's `<discoveryUrl>/protocol/openid-connect/token/introspect`.
   */
  readonly endpoint?: string;
  /**
   * `true` (the default): every guard of this `createAuth` introspects. `false`: only `auth.requireActiveToken()`
   * routes and `auth.verify(token, { introspect: true })` do, and every other route pays nothing for it.
   */
  readonly everyRoute?: boolean;
  /** Accept opaque (non-JWT) tokens, described by the introspection answer alone. Default false. */
  readonly acceptOpaqueTokens?: boolean;
  /** How long an answer is reused (ms), never past the token's `exp`. `0`: ask every time. Default 30 s. */
  readonly cacheTtl?: number;
  /** Most answers kept (active ones, and apart, inactive ones). `0` turns the cache off. Default 10,000. */
  readonly maxEntries?: number;
  /** An introspection request (and the discovery before the first) is abandoned after this long (ms). Default 5 s. */
  readonly timeout?: number;
  /** Most memory the cached active answers take, estimated from their size (bytes). Default 16 MiB. */
  readonly maxBytes?: number;
  /** Most introspection requests in flight; one more answers 503 at once. Default 16. */
  readonly maxConcurrent?: number;
  /** After the provider failed, opaque tokens answer 503 without a request for this long (ms). Default 1 s. */
  readonly cooldown?: number;
}

const INTROSPECTION_OPTION_KEYS = {
  clientId: true,
  clientSecret: true,
  clientAuth: true,
  issuer: true,
  endpoint: true,
  everyRoute: true,
  acceptOpaqueTokens: true,
  cacheTtl: true,
  maxEntries: true,
  timeout: true,
  maxBytes: true,
  maxConcurrent: true,
  cooldown: true,
} as const satisfies OptionKeys<IntrospectionOptions>;

/** {@link IntrospectionOptions} after validation, defaults merged and frozen. */
export interface ResolvedIntrospection {
  readonly issuer: ResolvedIssuer;
  readonly clientId: string;
  readonly clientAuth: IntrospectionClientAuth;
  readonly endpoint: string | undefined;
  readonly everyRoute: boolean;
  readonly acceptOpaqueTokens: boolean;
  readonly cacheTtl: number;
  readonly maxEntries: number;
  readonly timeout: number;
  readonly maxBytes: number;
  readonly maxConcurrent: number;
  readonly cooldown: number;
}

const DEFAULTS = { everyRoute: true, acceptOpaqueTokens: false, cacheTtl: 30_000, maxEntries: 10_000, timeout: 5_000 };
const LIMIT_DEFAULTS = { maxBytes: 16 * 1024 * 1024, maxConcurrent: 16, cooldown: 1_000 };

function assertOptionalBoolean(value: unknown, name: string): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`"${name}" must be a boolean`);
}

function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`);
}

function chooseIssuer(name: unknown, issuers: readonly ResolvedIssuer[]): ResolvedIssuer {
  if (name === undefined) {
    if (issuers.length > 1)
      throw new TypeError('"introspection.issuer" is required when several issuers are configured');
    return issuers[0]!;
  }
  const found = issuers.find((i) => i.issuer === name);
  if (found === undefined) throw new TypeError('"introspection.issuer" must be one of the configured issuers');
  return found;
}

/**
 * Validates the introspection options once, at start-up: a mistake throws a `TypeError` naming the option.
 *
 * @example
 * resolveIntrospection({ clientId: 'test-api', clientSecret: secret }, resolveOptions(options), false)
 */
export function resolveIntrospection(
  options: IntrospectionOptions,
  resolved: ResolvedOptions,
  allowInsecureHttp: boolean,
): ResolvedIntrospection {
  if (typeof options !== 'object' || options === null) throw new TypeError('"introspection" must be an object');
  refuseUnknownKeys(options, INTROSPECTION_OPTION_KEYS, 'introspection');
  const merged = { ...DEFAULTS, ...LIMIT_DEFAULTS, ...options };
  assertNonEmptyString(merged.clientId, 'introspection.clientId');
  if ((merged.clientSecret === undefined) === (merged.clientAuth === undefined)) {
    throw new TypeError('"introspection" needs exactly one of "clientSecret" and "clientAuth"');
  }
  if (merged.clientSecret !== undefined) assertNonEmptyString(merged.clientSecret, 'introspection.clientSecret');
  if (merged.clientAuth !== undefined && typeof merged.clientAuth !== 'function') {
    throw new TypeError(
      '"introspection.clientAuth" must be a client authentication strategy (e.g. privateKeyJwt(key))',
    );
  }
  if (merged.endpoint !== undefined) checkUrl(merged.endpoint, 'introspection.endpoint', { allowInsecureHttp });
  assertOptionalBoolean(merged.everyRoute, 'introspection.everyRoute');
  assertOptionalBoolean(merged.acceptOpaqueTokens, 'introspection.acceptOpaqueTokens');
  assertPositive(merged.cacheTtl, 'introspection.cacheTtl', true);
  assertPositive(merged.maxEntries, 'introspection.maxEntries', true);
  if (!Number.isInteger(merged.maxEntries)) throw new TypeError('"introspection.maxEntries" must be a whole number');
  assertPositive(merged.timeout, 'introspection.timeout');
  assertPositive(merged.maxBytes, 'introspection.maxBytes');
  assertPositive(merged.maxConcurrent, 'introspection.maxConcurrent');
  if (!Number.isInteger(merged.maxConcurrent))
    throw new TypeError('"introspection.maxConcurrent" must be a whole number');
  assertPositive(merged.cooldown, 'introspection.cooldown', true);
  return Object.freeze({
    issuer: chooseIssuer(merged.issuer, resolved.issuers),
    clientId: merged.clientId,
    // RFC 7662 §2.1 leaves the method to the server; Keycloak's "Client secret" takes HTTP Basic.
    clientAuth: merged.clientAuth ?? secretBasic(merged.clientSecret!),
    endpoint: merged.endpoint,
    everyRoute: merged.everyRoute,
    acceptOpaqueTokens: merged.acceptOpaqueTokens,
    cacheTtl: merged.cacheTtl,
    maxEntries: merged.maxEntries,
    timeout: merged.timeout,
    maxBytes: merged.maxBytes,
    maxConcurrent: merged.maxConcurrent,
    cooldown: merged.cooldown,
  });
}
