/**
 * `bearer-guard/client`: OAuth 2.0 client credentials tokens for calling protected APIs.
 *
 * Configuration first, operation second: build a {@link ClientConfiguration} once ({@link discovery} or
 * {@link createConfiguration}), then pass it to every operation.
 *
 * This folder depends on axios, jose, undici (loaded for mTLS only) and Node built-ins only: never on `express/`,
 * `demo/` or `process.env`, and it never logs.
 *
 * @example
 * import { discovery, clientSecretBasic, createTokenSource, createBearerAxios } from 'bearer-guard/client'
 *
 * const config = await discovery({
 *   issuer: 'http://localhost:8080/realms/myorg',
 *   clientId: 'test_api_client',
 *   clientAuth: clientSecretBasic(secret),
 * })
 * const api = createBearerAxios(createTokenSource(config, { scopes: ['test_api_access'] }))
 * const { data } = await api.get('http://localhost:50100/api/private-scoped')
 */
export { attachBearerToken, createBearerAxios } from './axios-bearer.js';
export type { BearerAxiosOptions } from './axios-bearer.js';
export { clientSecretBasic, clientSecretPost, privateKeyJwt } from './client-auth.js';
export type { ClientAuth, ClientAuthContext, PrivateKeyJwtOptions } from './client-auth.js';
export { createConfiguration } from './configuration.js';
export { tlsClientAuth } from './mtls.js';
export type { ClientCertificate } from './mtls.js';
export type { ClientConfiguration, ClientSettings, ConfigurationOptions } from './configuration.js';
export { discovery } from './discovery.js';
export { createDpopKey } from './dpop.js';
export type { DpopKey, DpopKeyOptions, DpopProofRequest } from './dpop.js';
export type { DiscoveryOptions } from './discovery.js';
export { discoverResource } from './resource-discovery.js';
export type { DiscoverResourceOptions, ResourceDescription } from './resource-discovery.js';
export { ClientError, OAuthError, ProviderUnreachableError, TimeoutError, UnexpectedResponseError } from './errors.js';
export type { ClientErrorCode } from './errors.js';
export type { PrivateKeyInput } from './signing-alg.js';
export { createTokenCache } from './token-cache.js';
export type { TokenCache, TokenCacheOptions, TokenRequest } from './token-cache.js';
export { clientCredentialsGrant } from './token-endpoint.js';
export type { ClientCredentialsOptions } from './token-endpoint.js';
export type { AccessToken } from './token-response.js';
export { revokeToken } from './token-revocation.js';
export type { RevokeTokenOptions } from './token-revocation.js';
export { createTokenSource } from './token-source.js';
export type { TokenSource, TokenSourceOptions } from './token-source.js';
