/**
 * Client authentication at a provider's endpoint (token, revocation, introspection), written once for the
 * client and the guard: the strategy type, the three methods, and the authenticated form body. The inputs are
 * checked by the public factories that call these (bearer-guard/client's, the introspection options).
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** What a client authentication strategy may need to know about the request it authenticates. */
export interface ClientAuthContext {
  /** The client's `client_id`. */
  readonly clientId: string;
  /** The provider's issuer identifier, when known. */
  readonly issuer: string | undefined;
  /** The endpoint URL the request goes to (the token endpoint, or the introspection endpoint). */
  readonly tokenEndpoint: string;
  /** The current time in milliseconds since the epoch, by the caller's clock. */
  readonly now: number;
}

/** A client authentication strategy: adds the client's credentials to a request's form body or headers. */
export type ClientAuth = (context: ClientAuthContext, body: URLSearchParams, headers: Headers) => void | Promise<void>;

/** RFC 6749 §2.3.1: the id and secret are form-encoded (application/x-www-form-urlencoded) before Basic. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** The `Authorization` value of `client_secret_basic` (RFC 6749 §2.3.1). */
export function basicAuthorization(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`, 'utf8').toString('base64')}`;
}

/** `client_secret_basic`: HTTP Basic with the form-encoded client id and secret. */
export function secretBasic(secret: string): ClientAuth {
  return (context, _body, headers) => {
    headers.set('authorization', basicAuthorization(context.clientId, secret));
  };
}

/** `client_secret_post`: the client id and secret as `client_id` and `client_secret` form parameters. */
export function secretPost(secret: string): ClientAuth {
  return (context, body) => {
    body.set('client_id', context.clientId);
    body.set('client_secret', secret);
  };
}

/** A private key already checked against its algorithm, for {@link signedAssertion}. */
export interface AssertionKey {
  readonly key: KeyObject;
  readonly alg: string;
  readonly kid: string | undefined;
  /** Lifetime of each assertion in seconds. */
  readonly lifetimeSeconds: number;
}

/**
 * `private_key_jwt` (RFC 7523 §2.2): a fresh short-lived JWT per request, `iss` and `sub` the client id, `aud`
 * the issuer identifier as a single string (OpenID Connect Core §9), or the endpoint when the issuer is unknown.
 */
export function signedAssertion({ key, alg, kid, lifetimeSeconds }: AssertionKey): ClientAuth {
  return async (context, body) => {
    const iat = Math.floor(context.now / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
      .setIssuer(context.clientId)
      .setSubject(context.clientId)
      .setAudience(context.issuer ?? context.tokenEndpoint)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeSeconds)
      .sign(key);
    body.set('client_id', context.clientId);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
  };
}

/** A form POST ready to send: its credentials travel in `headers` or `body`, so neither may reach a message. */
export interface AuthenticatedForm {
  /** The request's headers; the caller may add its own (a DPoP proof) before sending. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The form body of one request to a provider endpoint with the client's credentials added by `auth`: the
 * token request, the revocation request (RFC 7009 §2.1) and the introspection request (RFC 7662 §2.1) alike.
 */
export async function authenticatedForm(
  auth: ClientAuth,
  context: ClientAuthContext,
  fields: Readonly<Record<string, string | undefined>>,
): Promise<AuthenticatedForm> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.set(name, value);
  const headers = new Headers({ accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' });
  await auth(context, body, headers);
  return { headers: Object.fromEntries(headers), body: body.toString() };
}
