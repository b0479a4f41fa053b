import { FetchFailedError, fetchJsonObject, type FetchLimits } from '../http/fetch-json.js';
import type { ResolvedIssuer } from '../options.js';
import { checkUrl } from '../../shared/url-policy.js';

/** An endpoint of the discovery document, and where Keycloak serves it when there is no document. */
export interface DiscoveredEndpoint {
  /** The metadata member, e.g. `jwks_uri` or `introspection_endpoint` (RFC 8414 §2). */
  readonly member: string;
  /** Keycloak's path under the realm, used only when the discovery document does not exist (404). */
  readonly keycloakPath: string;
}

const JWKS_URI: DiscoveredEndpoint = { member: 'jwks_uri', keycloakPath: '/protocol/openid-connect/certs' };

/**
 * Finds one endpoint of an issuer by OIDC discovery (`<discoveryUrl>/.well-known/openid-configuration` →
 * `member`), else — only when that document does not exist (404) — Keycloak's own layout
 * `<discoveryUrl><keycloakPath>`.
 *
 * A discovery document whose `issuer` is not exactly the configured issuer is refused (OpenID Connect
 * Discovery §4.3: "The issuer value returned MUST be identical to the Issuer URL …"), and so is an endpoint
 * that breaks the URL rule (../shared/url-policy.ts): a document fetched over plain http could otherwise point the
 * keys, or the introspection credentials, anywhere.
 */
export async function discoverEndpoint(
  issuer: ResolvedIssuer,
  endpoint: DiscoveredEndpoint,
  limits: FetchLimits,
): Promise<string> {
  const base = issuer.discoveryUrl;
  let metadata: Record<string, unknown>;
  try {
    metadata = await fetchJsonObject(`${base}/.well-known/openid-configuration`, limits);
  } catch (error) {
    if (error instanceof FetchFailedError && error.status === 404) return `${base}${endpoint.keycloakPath}`;
    throw error;
  }
  if (metadata.issuer !== issuer.issuer) {
    throw new FetchFailedError('the discovery document names another issuer; refusing it');
  }
  const url = metadata[endpoint.member];
  try {
    checkUrl(url, endpoint.member, { allowInsecureHttp: limits.allowInsecureHttp });
  } catch (error) {
    throw new FetchFailedError(`the discovery document is refused: ${(error as Error).message}`);
  }
  return url as string;
}

/** Finds the JWKS URL of an issuer: the explicit `jwksUri`, else {@link discoverEndpoint} for `jwks_uri`. */
export async function discoverJwksUri(issuer: ResolvedIssuer, limits: FetchLimits): Promise<string> {
  if (issuer.jwksUri !== undefined) return issuer.jwksUri;
  return discoverEndpoint(issuer, JWKS_URI, limits);
}
