import { discoverEndpoint } from '../jwks/discovery.js';
import type { ResolvedOptions } from '../options.js';
import { DISCOVERY_PATH } from '../../shared/url-policy.js';
import type { ProviderEndpoints } from './generate.js';

const TOKEN_ENDPOINT = { member: 'token_endpoint', keycloakPath: '/protocol/openid-connect/token' } as const;

/**
 * The first issuer's discovery document URL and token endpoint, fetched with the key fetch's limits and checked
 * by the URL rule like every discovered endpoint (a document served over plain http could otherwise send the
 * clients reading the OpenAPI document, and their secrets, anywhere).
 */
export function providerEndpoints(resolved: ResolvedOptions): ProviderEndpoints {
  const issuer = resolved.issuers[0]!;
  return Object.freeze({
    discoveryDocumentUrl: `${issuer.discoveryUrl}${DISCOVERY_PATH}`,
    allowInsecureHttp: resolved.allowInsecureHttp,
    tokenEndpoint: () =>
      discoverEndpoint(issuer, TOKEN_ENDPOINT, {
        timeout: resolved.keys.timeout,
        maxResponseBytes: resolved.keys.maxResponseBytes,
        fetch: resolved.fetch,
        allowInsecureHttp: resolved.allowInsecureHttp,
      }),
  });
}
