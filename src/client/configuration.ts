/**
 * The immutable client configuration that every operation takes as its first argument.
 */
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import type { ClientAuth } from './client-auth.js';
import { assertNonEmptyString, assertOptionalBoolean, assertOptionalNumber, parseHttpUrl } from './options.js';
import { certificateFetch } from './mtls.js';
import type { ClientCertificate, ProviderFetch } from './mtls.js';

/** A validated, frozen client configuration. Build it with {@link discovery} or {@link createConfiguration}. */
export interface ClientConfiguration {
  /** The provider's issuer identifier, when known (used as the `private_key_jwt` audience and in cache keys). */
  readonly issuer: string | undefined;
  /** The token endpoint URL. */
  readonly tokenEndpoint: string;
  /** The revocation endpoint URL (RFC 7009), when known: discovery's `revocation_endpoint`, or as given. */
  readonly revocationEndpoint?: string | undefined;
  /** The client's `client_id`. */
  readonly clientId: string;
  /** How the client authenticates at the token endpoint. */
  readonly clientAuth: ClientAuth;
  /** Timeout of each request to the provider, in milliseconds. */
  readonly timeoutMs: number;
  /** How requests reach the provider when the client shows a TLS certificate (mTLS); Node's fetch otherwise. */
  readonly transport?: ProviderFetch | undefined;
}

/** Settings shared by {@link createConfiguration} and {@link discovery}. */
export interface ClientSettings {
  /** The client's `client_id`. */
  readonly clientId: string;
  /** The client authentication strategy: {@link clientSecretBasic}, {@link clientSecretPost} or {@link privateKeyJwt}. */
  readonly clientAuth: ClientAuth;
  /** Timeout of each request to the provider, in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Allow plain `http://` URLs for hosts other than loopback. Off by default: credentials and tokens would travel in clear. */
  readonly allowInsecureHttp?: boolean;
  /** A TLS client certificate shown to the provider (RFC 8705 mTLS), e.g. with {@link tlsClientAuth}. */
  readonly clientCertificate?: ClientCertificate;
}

/** The keys of {@link ClientSettings}; each constructor adds its own. */
export const CLIENT_SETTINGS_KEYS = {
  clientId: true,
  clientAuth: true,
  timeoutMs: true,
  allowInsecureHttp: true,
  clientCertificate: true,
} as const satisfies OptionKeys<ClientSettings>;

/** Options of {@link createConfiguration}: the token endpoint is given, so nothing is discovered. */
export interface ConfigurationOptions extends ClientSettings {
  /** The token endpoint URL. */
  readonly tokenEndpoint: string | URL;
  /** The revocation endpoint URL (RFC 7009), for {@link revokeToken}. */
  readonly revocationEndpoint?: string | URL;
  /** The issuer identifier, if known. */
  readonly issuer?: string | URL;
}

const CONFIGURATION_OPTION_KEYS = {
  ...CLIENT_SETTINGS_KEYS,
  tokenEndpoint: true,
  revocationEndpoint: true,
  issuer: true,
} as const satisfies OptionKeys<ConfigurationOptions>;

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Validates the settings common to both constructors, and refuses a key that `known` (the constructor's own
 * options) does not list; throws `TypeError` naming the option.
 */
export function validateSettings(
  settings: ClientSettings,
  known: Readonly<Record<string, true>>,
): { timeoutMs: number; allowInsecureHttp: boolean; transport: ProviderFetch | undefined } {
  if (typeof settings !== 'object' || settings === null) throw new TypeError('"options" must be an object');
  refuseUnknownKeys(settings, known, '');
  assertNonEmptyString('clientId', settings.clientId);
  if (typeof settings.clientAuth !== 'function') {
    throw new TypeError('"clientAuth" must be a client authentication strategy (e.g. clientSecretBasic(secret))');
  }
  assertOptionalNumber('timeoutMs', settings.timeoutMs, 1, 600_000);
  assertOptionalBoolean('allowInsecureHttp', settings.allowInsecureHttp);
  return {
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    allowInsecureHttp: settings.allowInsecureHttp ?? false,
    transport: settings.clientCertificate === undefined ? undefined : certificateFetch(settings.clientCertificate),
  };
}

/**
 * Returns the issuer identifier as a string, exactly as given (issuers are compared as strings). OpenID Connect
 * Discovery §3 and RFC 8414 §2 forbid a query or fragment in it.
 */
export function issuerString(issuer: string | URL, allowInsecureHttp: boolean): string {
  const url = parseHttpUrl('issuer', issuer, allowInsecureHttp, true);
  return typeof issuer === 'string' ? issuer : url.href;
}

/**
 * Builds a configuration for a known token endpoint, without any network request.
 *
 * @example
 * const config = createConfiguration({
 *   tokenEndpoint: 'https://id.example.com/realms/myorg/protocol/openid-connect/token',
 *   clientId: 'test_api_client',
 *   clientAuth: clientSecretBasic(secret),
 * })
 */
export function createConfiguration(options: ConfigurationOptions): ClientConfiguration {
  const { timeoutMs, allowInsecureHttp, transport } = validateSettings(options, CONFIGURATION_OPTION_KEYS);
  const tokenEndpoint = parseHttpUrl('tokenEndpoint', options.tokenEndpoint, allowInsecureHttp).href;
  const issuer = options.issuer === undefined ? undefined : issuerString(options.issuer, allowInsecureHttp);
  const revocationEndpoint =
    options.revocationEndpoint === undefined
      ? undefined
      : parseHttpUrl('revocationEndpoint', options.revocationEndpoint, allowInsecureHttp).href;
  return Object.freeze({
    issuer,
    tokenEndpoint,
    revocationEndpoint,
    clientId: options.clientId,
    clientAuth: options.clientAuth,
    timeoutMs,
    ...(transport === undefined ? {} : { transport }),
  });
}
