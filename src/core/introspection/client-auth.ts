/**
 * How the resource server authenticates at the introspection endpoint. The strategy type has the shape of
 * `ClientAuth` from `bearer-guard/client`, so `clientSecretPost(secret)` or `privateKeyJwt(key)` from there can
 * be passed as they are; core itself only builds `client_secret_basic`.
 */

/** What a client authentication strategy may need to know about the introspection request. */
export interface IntrospectionClientAuthContext {
  /** The resource server's own `client_id`. */
  readonly clientId: string;
  /** The issuer whose endpoint is called (the `private_key_jwt` audience). */
  readonly issuer: string | undefined;
  /** The URL the request goes to: here, the introspection endpoint. */
  readonly tokenEndpoint: string;
  /** The current time in milliseconds since the epoch, by the guard's clock. */
  readonly now: number;
}

/**
 * A client authentication strategy: adds the resource server's credentials to the introspection request's
 * form body or headers. Structurally the same as `ClientAuth` of `bearer-guard/client`.
 */
export type IntrospectionClientAuth = (
  context: IntrospectionClientAuthContext,
  body: URLSearchParams,
  headers: Headers,
) => void | Promise<void>;

/** RFC 6749 §2.3.1: the id and secret are form-encoded (application/x-www-form-urlencoded) before Basic. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * `client_secret_basic` (RFC 7662 §2.1 leaves the method to the server; Keycloak's "Client secret" takes
 * HTTP Basic): the form-encoded client id and secret, base64-encoded once, at construction.
 *
 * @example
 * const auth = introspectionSecretBasic('test-api', secret)
 */
export function introspectionSecretBasic(clientId: string, secret: string): IntrospectionClientAuth {
  const authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`, 'utf8').toString('base64')}`;
  return (_context, _body, headers) => {
    headers.set('authorization', authorization);
  };
}
