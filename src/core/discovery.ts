import { FetchFailedError, fetchJsonObject, type FetchLimits } from './fetch-json.js';
import type { ResolvedIssuer } from './options.js';

/**
 * Finds the JWKS URL of an issuer: the explicit `jwksUri`, else OIDC discovery
 * (`<discoveryUrl>/.well-known/openid-configuration` → `jwks_uri`), else — only when that document does not
 * exist (404) — Keycloak's own layout `<discoveryUrl>/protocol/openid-connect/certs`.
 *
 * A discovery document whose `issuer` is not exactly the configured issuer is refused (OpenID Connect
 * Discovery §4.3: "The issuer value returned MUST be identical to the Issuer URL …").
 */
export async function discoverJwksUri(issuer: ResolvedIssuer, limits: FetchLimits): Promise<string> {
  if (issuer.jwksUri !== undefined) return issuer.jwksUri;
  const base = issuer.discoveryUrl;
  let metadata: Record<string, unknown>;
  try {
    metadata = await fetchJsonObject(`${base}/.well-known/openid-configuration`, limits);
  } catch (error) {
    if (error instanceof FetchFailedError && error.status === 404) return `${base}/protocol/openid-connect/certs`;
    throw error;
  }
  if (metadata.issuer !== issuer.issuer) {
    throw new FetchFailedError('the discovery document names another issuer; refusing it');
  }
  const jwksUri = metadata.jwks_uri;
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new FetchFailedError('the discovery document has no valid "jwks_uri"');
  }
  return jwksUri;
}
