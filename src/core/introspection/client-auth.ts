/**
 * How the resource server authenticates at the introspection endpoint: the one client authentication of
 * ../../shared/client-auth.ts, so `clientSecretPost(secret)` or `privateKeyJwt(key)` from `bearer-guard/client`
 * can be passed as they are; a bare `clientSecret` becomes `client_secret_basic`.
 */
import type { ClientAuth, ClientAuthContext } from '../../shared/client-auth.js';

/** What a client authentication strategy may need to know about the introspection request. */
export type IntrospectionClientAuthContext = ClientAuthContext;

/**
 * A client authentication strategy: adds the resource server's credentials to the introspection request's
 * form body or headers. The same type as `ClientAuth` of `bearer-guard/client`.
 */
export type IntrospectionClientAuth = ClientAuth;
