/**
 * OpenID Connect Discovery 1.0: finds the token endpoint (and the revocation endpoint, when there is one)
 * from the issuer's `/.well-known/openid-configuration` document.
 */
import type { OptionKeys } from '../shared/option-keys.js';
import { UnexpectedResponseError } from './errors.js';
import type { ClientConfiguration, ClientSettings } from './configuration.js';
import { CLIENT_SETTINGS_KEYS, issuerString, validateSettings } from './configuration.js';
import { parseJsonObject, sendToProvider } from './http.js';
import { parseHttpUrl } from './options.js';

/** An optional endpoint of the document: left out when absent or unusable, so that tokens can still be had. */
function optionalEndpoint(value: unknown, allowInsecureHttp: boolean): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseHttpUrl('revocation_endpoint', value, allowInsecureHttp).href;
  } catch {
    return undefined;
  }
}

/** Options of {@link discovery}. */
export interface DiscoveryOptions extends ClientSettings {
  /** The issuer identifier, such as `https://id.example.com/realms/myorg`. */
  readonly issuer: string | URL;
}

const DISCOVERY_OPTION_KEYS = { ...CLIENT_SETTINGS_KEYS, issuer: true } as const satisfies OptionKeys<DiscoveryOptions>;

/**
 * Fetches the issuer's discovery document and returns a configuration with its `token_endpoint`, and its
 * `revocation_endpoint` (RFC 8414 §2) when the document names a usable one.
 *
 * OpenID Connect Discovery 1.0 §4.3: "The issuer value returned MUST be identical to the Issuer URL that was
 * used as the prefix to /.well-known/openid-configuration to retrieve the configuration information."
 *
 * @throws {TypeError} when an option is invalid.
 * @throws {ClientError} when the document cannot be fetched or is unusable.
 * @example
 * const config = await discovery({
 *   issuer: 'http://localhost:8080/realms/myorg',
 *   clientId: 'test_api_client',
 *   clientAuth: clientSecretBasic(secret),
 * })
 */
export async function discovery(options: DiscoveryOptions): Promise<ClientConfiguration> {
  const { timeoutMs, allowInsecureHttp, transport } = validateSettings(options, DISCOVERY_OPTION_KEYS);
  const issuer = issuerString(options.issuer, allowInsecureHttp);
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const answer = await sendToProvider({
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
    timeoutMs,
    ...(transport === undefined ? {} : { transport }),
  });
  if (answer.status !== 200) {
    throw new UnexpectedResponseError(`unexpected HTTP status ${answer.status} from "${url}"`, answer.status);
  }
  const metadata = parseJsonObject(answer, 'the discovery document');
  if (metadata['issuer'] !== issuer) {
    throw new UnexpectedResponseError(
      `unexpected "issuer" in the discovery document: expected "${issuer}"`,
      answer.status,
    );
  }
  let tokenEndpoint: string;
  try {
    tokenEndpoint = parseHttpUrl('token_endpoint', metadata['token_endpoint'], allowInsecureHttp).href;
  } catch (error) {
    throw new UnexpectedResponseError(`unusable discovery document: ${(error as Error).message}`, answer.status);
  }
  return Object.freeze({
    issuer,
    tokenEndpoint,
    revocationEndpoint: optionalEndpoint(metadata['revocation_endpoint'], allowInsecureHttp),
    clientId: options.clientId,
    clientAuth: options.clientAuth,
    timeoutMs,
    ...(transport === undefined ? {} : { transport }),
  });
}
