import { FetchFailedError, fetchJsonObject, type FetchLimits } from '../http/fetch-json.js';
import type { ResolvedIssuer } from '../options.js';
import { checkUrl, urlForMessages } from '../../shared/url-policy.js';

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
  return (await locateEndpoint(issuer, endpoint, limits)).url;
}

/** {@link discoverEndpoint}, telling whether the URL is Keycloak's layout guessed after a 404 from discovery. */
async function locateEndpoint(
  issuer: ResolvedIssuer,
  endpoint: DiscoveredEndpoint,
  limits: FetchLimits,
): Promise<{ url: string; guessed: boolean }> {
  const base = issuer.discoveryUrl;
  let metadata: Record<string, unknown>;
  try {
    metadata = await fetchJsonObject(`${base}/.well-known/openid-configuration`, limits);
  } catch (error) {
    if (error instanceof FetchFailedError && error.status === 404)
      return { url: `${base}${endpoint.keycloakPath}`, guessed: true };
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
  return { url: url as string, guessed: false };
}

/** Finds the JWKS URL of an issuer: the explicit `jwksUri`, else {@link discoverEndpoint} for `jwks_uri`. */
export async function discoverJwksUri(issuer: ResolvedIssuer, limits: FetchLimits): Promise<string> {
  if (issuer.jwksUri !== undefined) return issuer.jwksUri;
  return discoverEndpoint(issuer, JWKS_URI, limits);
}

/**
 * Fetches an issuer's JWKS (found by {@link discoverJwksUri}). When discovery answered 404 and Keycloak's layout
 * does too, the server is up but serves no such realm: said so, since "cannot be reached" would send the reader
 * looking at the network rather than at the realm's name.
 */
export async function fetchJwks(issuer: ResolvedIssuer, limits: FetchLimits): Promise<Record<string, unknown>> {
  const { url, guessed } =
    issuer.jwksUri === undefined
      ? await locateEndpoint(issuer, JWKS_URI, limits)
      : { url: issuer.jwksUri, guessed: false };
  try {
    return await fetchJsonObject(url, limits);
  } catch (error) {
    if (!guessed || !(error instanceof FetchFailedError) || error.status !== 404) throw error;
    throw new FetchFailedError(
      `no such realm: ${urlForMessages(new URL(issuer.discoveryUrl))} has no OpenID discovery document and no ` +
        "Keycloak keys (both answered HTTP 404); check the issuer's realm name",
      { status: 404, kind: 'no_such_realm', cause: error },
    );
  }
}
