import { ASYMMETRIC_ALGORITHMS, isAlgorithm, type Algorithm } from './jws/algorithms.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { checkUrl, DISCOVERY_PATH } from '../shared/url-policy.js';
import { TOKEN_CACHE_OPTION_KEYS, type TokenCacheOptions } from './jwt/verified-cache.js';
import type { AuthEventListener } from './events/events.js';
import type { MetricsMeter } from './events/metrics.js';
import { createObserver, type Observer } from './events/observer.js';

/** One trusted issuer (realm). */
export interface IssuerOptions {
  /** The exact `iss` value of its tokens, e.g. `https://sso.example.com/realms/myorg`. */
  readonly issuer: string;
  /**
   * Where metadata and keys are fetched from when that differs from the issuer (e.g.
   * `http://keycloak:8080/realms/myorg` inside docker compose). `iss` must still equal `issuer`. The discovery
   * document's own URL (ending in `/.well-known/openid-configuration`) is accepted too: that path is dropped.
   */
  readonly discoveryUrl?: string;
  /** The JWKS URL, skipping discovery. */
  readonly jwksUri?: string;
}

const ISSUER_OPTION_KEYS = {
  issuer: true,
  discoveryUrl: true,
  jwksUri: true,
} as const satisfies OptionKeys<IssuerOptions>;

/** Timings and limits of key fetching. */
export interface KeySetOptions {
  /** Keys are refreshed in the background once older than this (ms). Default 10 minutes. */
  readonly maxAge?: number;
  /** After a refetch that did not find an unknown `kid` (or failed), no other refetch for this long (ms). Default 10 s. */
  readonly cooldown?: number;
  /** A fetch of metadata or keys is abandoned after this long (ms). Default 5 s. */
  readonly timeout?: number;
  /** A metadata or JWKS response larger than this is refused (bytes). Default 512 KiB. */
  readonly maxResponseBytes?: number;
}

const KEY_SET_OPTION_KEYS = {
  maxAge: true,
  cooldown: true,
  timeout: true,
  maxResponseBytes: true,
} as const satisfies OptionKeys<KeySetOptions>;

/** Options of {@link createAuth}. Read once: changing the object afterwards changes nothing. */
export interface AuthOptions {
  /** The trusted issuer, or several (each with its own keys). */
  readonly issuer: string | IssuerOptions | ReadonlyArray<string | IssuerOptions>;
  /**
   * The audience every token's `aud` must contain (one of, when several). Required: pass `false` to turn the
   * check off explicitly, knowing that any token of the realm then passes.
   */
  readonly audience: string | readonly string[] | false;
  /** Accepted algorithms. Default: every asymmetric one (RS*, PS*, ES*, EdDSA). */
  readonly algorithms?: readonly Algorithm[];
  /** Leeway for `exp`, `nbf` and `iat` in seconds. Default 30. */
  readonly clockTolerance?: number;
  /** Refuse tokens issued longer ago than this (seconds, by `iat`). Default: no limit. */
  readonly maxTokenAge?: number;
  /** Only tokens whose `azp` (or `client_id`) is one of these pass. Default: any client. */
  readonly allowedClients?: readonly string[];
  /** Refuse ID, refresh and other non-access tokens (Keycloak `typ`, RFC 9068 header `typ`). Default true. */
  readonly requireAccessToken?: boolean;
  /** Longest token accepted, in characters. Default 16384. */
  readonly maxTokenLength?: number;
  /** The `realm` of the `WWW-Authenticate` challenge. Default `"api"`. */
  readonly realm?: string;
  /**
   * This API's resource identifier as its clients know it (RFC 9728), e.g. `https://api.example.com`. Set, every
   * 401 and 403 challenge points to its metadata (`resource_metadata`), which `protectedResource()` serves.
   */
  readonly resource?: string;
  /**
   * RFC 8707: every token's `aud` must also contain `resource` (with `audience: false`, only that). Keycloak: an
   * "Audience" mapper on the client with `resource` as its "Included Custom Audience". Default false.
   */
  readonly resourceAudience?: boolean;
  /**
   * Allow `http://` issuers, discovery, JWKS and introspection URLs, configured or discovered, on hosts other
   * than loopback (127.0.0.0/8, `[::1]`, `localhost`). Default false.
   */
  readonly allowInsecureHttp?: boolean;
  /** Key fetching timings and limits. */
  readonly keys?: KeySetOptions;
  /** The verified-token cache: a token seen before skips the signature check. On by default. */
  readonly cache?: TokenCacheOptions;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. For tests. */
  readonly now?: () => number;
  /** The fetch implementation. Default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * Receives what happens (keys fetched, failed or rotated, tokens refused, the provider unavailable) as
   * structured events without tokens, keys or secrets. What it throws is ignored. Default: none.
   */
  readonly onEvent?: AuthEventListener;
  /**
   * OpenTelemetry metrics: `true` for `@opentelemetry/api`'s global meter (install that package), or a `Meter`.
   * Default off.
   */
  readonly metrics?: boolean | MetricsMeter;
}

/** The keys of {@link AuthOptions}; an adapter adds its own (`express/create-auth.ts`). */
export const AUTH_OPTION_KEYS = {
  issuer: true,
  audience: true,
  algorithms: true,
  clockTolerance: true,
  maxTokenAge: true,
  allowedClients: true,
  requireAccessToken: true,
  maxTokenLength: true,
  realm: true,
  resource: true,
  resourceAudience: true,
  allowInsecureHttp: true,
  keys: true,
  cache: true,
  now: true,
  fetch: true,
  onEvent: true,
  metrics: true,
} as const satisfies OptionKeys<AuthOptions>;

/** One issuer after validation. */
export interface ResolvedIssuer {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUri: string | undefined;
}

/** {@link AuthOptions} after validation, defaults merged and frozen. */
export interface ResolvedOptions {
  readonly issuers: readonly ResolvedIssuer[];
  readonly audience: readonly string[] | false;
  /** With `resourceAudience`, the resource, which `aud` must contain besides one of `audience`. */
  readonly resourceAudience: string | undefined;
  readonly algorithms: ReadonlySet<string>;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly allowedClients: ReadonlySet<string> | undefined;
  readonly requireAccessToken: boolean;
  readonly maxTokenLength: number;
  readonly realm: string;
  /** The resource identifier, exactly as configured (RFC 9728 §3.3: clients compare it as a string). */
  readonly resource: string | undefined;
  readonly allowInsecureHttp: boolean;
  readonly keys: Required<KeySetOptions>;
  readonly cache: Required<TokenCacheOptions>;
  readonly now: () => number;
  readonly fetch: typeof fetch;
  /** The `onEvent` listener and the metrics; `undefined` when neither is configured. */
  readonly observer: Observer | undefined;
}

const KEY_DEFAULTS: Required<KeySetOptions> = {
  maxAge: 10 * 60_000,
  cooldown: 10_000,
  timeout: 5_000,
  maxResponseBytes: 512 * 1024,
};

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : typeof value === 'string' ? `"${value}"` : typeof value;
}

/** Asserts a finite positive (or, with `allowZero`, non-negative) number option. */
export function assertPositive(value: unknown, name: string, allowZero = false): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`"${name}" must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
}

function stringList(value: unknown, name: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new TypeError(`"${name}" must be a non-empty string or a non-empty array of them`);
  }
  return Object.freeze([...(list as string[])]);
}

/** The base that discovery appends its path to: trailing slashes and the discovery document's own path dropped. */
function discoveryBase(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const base = value.replace(/\/+$/, '');
  return base.endsWith(DISCOVERY_PATH) ? base.slice(0, -DISCOVERY_PATH.length).replace(/\/+$/, '') : base;
}

function resolveIssuer(entry: unknown, allowInsecureHttp: boolean): ResolvedIssuer {
  const spec: IssuerOptions = typeof entry === 'string' ? { issuer: entry } : (entry as IssuerOptions);
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError('"issuer" must be a URL or { issuer, discoveryUrl?, jwksUri? }');
  refuseUnknownKeys(spec, ISSUER_OPTION_KEYS, 'issuer');
  checkUrl(spec.issuer, 'issuer', { allowInsecureHttp, issuer: true });
  const discoveryUrl = discoveryBase(spec.discoveryUrl ?? spec.issuer);
  checkUrl(discoveryUrl, 'discoveryUrl', { allowInsecureHttp, issuer: true });
  if (spec.jwksUri !== undefined) checkUrl(spec.jwksUri, 'jwksUri', { allowInsecureHttp });
  return Object.freeze({ issuer: spec.issuer, discoveryUrl: discoveryUrl as string, jwksUri: spec.jwksUri });
}

/** The resource identifier: an http(s) URL under the URL rule, without fragment or query (RFC 9728 §1.2). */
function resolveResource(options: AuthOptions, allowInsecureHttp: boolean): string | undefined {
  if (options.resource === undefined) return undefined;
  checkUrl(options.resource, 'resource', { allowInsecureHttp, issuer: true });
  return options.resource;
}

/** With `resourceAudience`, the resource every token must be meant for (RFC 8707 §2). */
function resolveResourceAudience(options: AuthOptions, resource: string | undefined): string | undefined {
  if (options.resourceAudience !== undefined && typeof options.resourceAudience !== 'boolean')
    throw new TypeError('"resourceAudience" must be true or false');
  if (options.resourceAudience !== true) return undefined;
  if (resource === undefined) throw new TypeError('"resourceAudience" needs "resource": the audience it requires');
  return resource;
}

/**
 * Validates options once, at start-up: a configuration mistake throws a `TypeError` naming the option, and so
 * does a key that is not an option (`known`: {@link AUTH_OPTION_KEYS}, or an adapter's longer list).
 *
 * @example
 * resolveOptions({ issuer: 'http://localhost:8080/realms/myorg', audience: 'test-api' })
 */
export function resolveOptions(
  options: AuthOptions,
  known: Readonly<Record<string, true>> = AUTH_OPTION_KEYS,
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  refuseUnknownKeys(options, known, '');
  const allowInsecureHttp = options.allowInsecureHttp === true;
  if (options.issuer === undefined) throw new TypeError('"issuer" is required');
  const entries: unknown[] = Array.isArray(options.issuer) ? [...options.issuer] : [options.issuer];
  if (entries.length === 0) throw new TypeError('"issuer" must name at least one issuer');
  const issuers = entries.map((e) => resolveIssuer(e, allowInsecureHttp));
  if (new Set(issuers.map((i) => i.issuer)).size !== issuers.length)
    throw new TypeError('"issuer" lists an issuer twice');

  const resource = resolveResource(options, allowInsecureHttp);
  if (options.audience === undefined) {
    throw new TypeError('"audience" is required; pass audience: false to accept any token of the issuer');
  }
  const audience = options.audience === false ? false : stringList(options.audience, 'audience');
  const resourceAudience = resolveResourceAudience(options, resource);

  const algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0)
    throw new TypeError('"algorithms" must be a non-empty array');
  for (const alg of algorithms) {
    if (!isAlgorithm(alg)) {
      throw new TypeError(
        `"algorithms" holds unknown or unsafe algorithm ${describe(alg)}; use ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
      );
    }
  }

  const clockTolerance = options.clockTolerance ?? 30;
  assertPositive(clockTolerance, 'clockTolerance', true);
  if (options.maxTokenAge !== undefined) assertPositive(options.maxTokenAge, 'maxTokenAge');
  const maxTokenLength = options.maxTokenLength ?? 16384;
  assertPositive(maxTokenLength, 'maxTokenLength');
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || realm === '') throw new TypeError('"realm" must be a non-empty string');

  if (options.keys !== undefined) refuseUnknownKeys(options.keys, KEY_SET_OPTION_KEYS, 'keys');
  const keys = { ...KEY_DEFAULTS, ...options.keys };
  for (const [name, value] of Object.entries(keys)) assertPositive(value, `keys.${name}`);

  if (options.cache !== undefined) refuseUnknownKeys(options.cache, TOKEN_CACHE_OPTION_KEYS, 'cache');
  const cache = { maxEntries: 5_000, maxBytes: 32 * 1024 * 1024, ...options.cache };
  assertPositive(cache.maxEntries, 'cache.maxEntries', true);
  assertPositive(cache.maxBytes, 'cache.maxBytes');
  if (!Number.isInteger(cache.maxEntries)) throw new TypeError('"cache.maxEntries" must be a whole number');

  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof now !== 'function') throw new TypeError('"now" must be a function');
  if (typeof fetchImpl !== 'function') throw new TypeError('"fetch" must be a function');

  return Object.freeze({
    issuers: Object.freeze(issuers),
    audience,
    resourceAudience,
    algorithms: new Set<string>(algorithms),
    clockTolerance,
    maxTokenAge: options.maxTokenAge,
    allowedClients:
      options.allowedClients === undefined ? undefined : new Set(stringList(options.allowedClients, 'allowedClients')),
    requireAccessToken: options.requireAccessToken ?? true,
    maxTokenLength,
    realm,
    resource,
    allowInsecureHttp,
    keys: Object.freeze(keys),
    cache: Object.freeze(cache),
    now,
    fetch: fetchImpl,
    observer: createObserver(options.onEvent, options.metrics),
  });
}
