/**
 * The fake provider's token endpoint: the client credentials grant (RFC 6749 §4.4) with `client_secret_basic`,
 * `client_secret_post` and `private_key_jwt` (RFC 7523 §2.2), scopes and audiences, so that clients built on
 * `bearer-guard/client` (or any other) can be tested against it. Errors answer as RFC 6749 §5.2 says.
 */
import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeJwt, jwtVerify, type JWK } from 'jose';
import { dpopBinding, DpopProofRefusal } from './dpop-binding.js';

/** A client the token endpoint knows. */
export interface FakeClient {
  readonly clientId: string;
  /** Its secret, for `client_secret_basic` and `client_secret_post`. */
  readonly secret?: string;
  /** Its public key (a JWK or a `KeyObject`), for `private_key_jwt`. */
  readonly publicKey?: JWK | KeyObject;
  /** The scopes it may ask for; any when absent. Asking for none, it gets `profile email`. */
  readonly scopes?: readonly string[];
  /** The `aud` of its tokens, default the provider's audience; an `audience` parameter picks one of them. */
  readonly audience?: string | readonly string[];
  /** Claims added to its tokens (`realm_access`, …). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** What the endpoint needs of its provider. */
export interface TokenEndpointContext {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly audience: string;
  readonly clients: readonly FakeClient[];
  readonly mint: (claims: Record<string, unknown>) => Promise<string>;
  readonly lifetime: number;
  /** `jti`s of the client assertions accepted so far: one used twice is refused, as Keycloak does. */
  readonly assertionIds: Set<string>;
}

/** An answer of the endpoint. */
export interface TokenAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' };

/** A refusal; `401` with a Basic challenge when the client tried HTTP Basic (RFC 6749 §5.2). */
class OAuthRefusal extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly challenge = false,
  ) {
    super(description);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthRefusal('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new OAuthRefusal('invalid_request', 'the body is too large');
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const names = [...form.keys()];
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new OAuthRefusal('invalid_request', `"${repeated}" is given more than once`);
  return form;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** RFC 6749 §2.3.1: the id and secret are form-encoded before Basic. */
function basicCredentials(header: string): [string, string] | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const unform = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  try {
    return [unform(decoded.slice(0, colon)), unform(decoded.slice(colon + 1))];
  } catch {
    return undefined;
  }
}

async function verifyAssertion(form: URLSearchParams, context: TokenEndpointContext): Promise<FakeClient> {
  const assertion = form.get('client_assertion') ?? '';
  let clientId: unknown;
  try {
    clientId = decodeJwt(assertion).iss;
  } catch {
    throw new OAuthRefusal('invalid_client', 'the client assertion is not a JWT', 401);
  }
  const client = context.clients.find((c) => c.clientId === clientId && c.publicKey !== undefined);
  const named = form.get('client_id');
  if (client === undefined || (named !== null && named !== client.clientId)) {
    throw new OAuthRefusal('invalid_client', 'unknown client, or one without a registered key', 401);
  }
  let jti: unknown;
  try {
    ({
      payload: { jti },
    } = await jwtVerify(assertion, client.publicKey!, {
      issuer: client.clientId,
      subject: client.clientId,
      audience: [context.issuer, context.tokenEndpoint],
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (error) {
    throw new OAuthRefusal('invalid_client', `client assertion refused: ${(error as Error).message}`, 401);
  }
  if (context.assertionIds.has(String(jti))) {
    throw new OAuthRefusal('invalid_client', 'client assertion used before (same "jti")', 401);
  }
  context.assertionIds.add(String(jti));
  return client;
}

/** Finds and authenticates the client by the one method it used. */
async function authenticate(
  req: IncomingMessage,
  form: URLSearchParams,
  context: TokenEndpointContext,
): Promise<FakeClient> {
  const header = req.headers.authorization;
  const methods = [header !== undefined, form.has('client_secret'), form.has('client_assertion')];
  if (methods.filter(Boolean).length > 1) {
    throw new OAuthRefusal('invalid_request', 'more than one client authentication method');
  }
  if (form.has('client_assertion')) {
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      throw new OAuthRefusal('invalid_client', 'unsupported client_assertion_type', 401);
    }
    return verifyAssertion(form, context);
  }
  const basic = header === undefined ? undefined : basicCredentials(header);
  if (header !== undefined && basic === undefined) {
    throw new OAuthRefusal('invalid_client', 'malformed Basic credentials', 401, true);
  }
  const [clientId, secret] = basic ?? [form.get('client_id'), form.get('client_secret')];
  const client = context.clients.find((c) => c.clientId === clientId);
  if (client?.secret === undefined || secret === null || !sameSecret(secret, client.secret)) {
    throw new OAuthRefusal('invalid_client', 'client authentication failed', 401, basic !== undefined);
  }
  return client;
}

/** The claims of the token a client gets for this request. */
function grant(client: FakeClient, form: URLSearchParams, context: TokenEndpointContext): Record<string, unknown> {
  const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
  const refused = client.scopes === undefined ? [] : asked.filter((s) => !client.scopes!.includes(s));
  if (refused.length > 0) throw new OAuthRefusal('invalid_scope', `scope not allowed: ${refused.join(' ')}`);
  const audiences = [client.audience ?? context.audience].flat();
  const wanted = form.get('audience') ?? form.get('resource');
  if (wanted !== null && !audiences.includes(wanted)) {
    throw new OAuthRefusal('invalid_target', `audience not allowed: ${wanted}`);
  }
  const aud = wanted ?? (audiences.length === 1 ? audiences[0] : audiences);
  return {
    ...client.claims,
    aud,
    azp: client.clientId,
    client_id: client.clientId,
    sub: `service-account-${client.clientId}`,
    preferred_username: `service-account-${client.clientId}`,
    scope: asked.length > 0 ? asked.join(' ') : 'profile email',
  };
}

/** Answers one request to the token endpoint. */
export async function answerTokenRequest(req: IncomingMessage, context: TokenEndpointContext): Promise<TokenAnswer> {
  try {
    if (req.method !== 'POST') throw new OAuthRefusal('invalid_request', 'the token endpoint takes POST only', 405);
    const form = await readForm(req);
    const client = await authenticate(req, form, context);
    const grantType = form.get('grant_type');
    if (grantType === null) throw new OAuthRefusal('invalid_request', 'grant_type is missing');
    if (grantType !== 'client_credentials') {
      throw new OAuthRefusal('unsupported_grant_type', 'only client_credentials is supported');
    }
    const claims = grant(client, form, context);
    const jkt = await dpopBinding(req, context.tokenEndpoint);
    if (jkt !== undefined) claims['cnf'] = { jkt };
    const body = {
      access_token: await context.mint(claims),
      token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: context.lifetime,
      scope: claims['scope'],
    };
    return { status: 200, headers: NO_STORE, body };
  } catch (error) {
    if (error instanceof DpopProofRefusal) {
      return {
        status: 400,
        headers: NO_STORE,
        body: { error: 'invalid_dpop_proof', error_description: error.message },
      };
    }
    if (!(error instanceof OAuthRefusal)) throw error;
    const headers = error.challenge ? { ...NO_STORE, 'www-authenticate': 'Basic realm="token"' } : NO_STORE;
    return { status: error.status, headers, body: { error: error.error, error_description: error.description } };
  }
}
