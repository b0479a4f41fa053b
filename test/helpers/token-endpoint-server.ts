/**
 * A real OAuth 2.0 provider and protected API on 127.0.0.1, port 0, for the client's tests: a discovery
 * document, a token endpoint that authenticates clients the way Keycloak does (client_secret_basic,
 * client_secret_post, private_key_jwt verified with jose), and an API that accepts the tokens it issued.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, SignJWT } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import { listenOnLoopback } from './free-port.js';
import { decodeBasic, readBody } from './form-request.js';

/** A client registered at the provider. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly secret?: string;
  readonly publicKey?: KeyObject;
  readonly allowedScopes?: readonly string[];
}

/** One request received by the token endpoint, whatever its outcome. */
export interface TokenRequestRecord {
  readonly authorization: string | undefined;
  readonly form: URLSearchParams;
  /** The `DPoP` proof header, when one came. */
  readonly dpop: string | undefined;
  /** How the client authenticated, when it did. */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** The verified client assertion's claims, for private_key_jwt. */
  assertion?: JWTPayload;
}

/** One request received by the protected API. */
export interface ApiRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An answer the token endpoint gives instead of the normal one; `undefined` means never answer. */
export type TokenAnswer =
  { status: number; contentType?: string; headers?: Record<string, string>; body: string } | undefined;

export interface TestProvider {
  readonly origin: string;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** The discovery document, served as is: tests may edit it. */
  readonly metadata: Record<string, unknown>;
  readonly tokenRequests: TokenRequestRecord[];
  readonly apiRequests: ApiRequestRecord[];
  /** Lifetime of issued tokens, in seconds; `undefined` leaves `expires_in` out. */
  expiresIn: number | undefined;
  /** When set, the token endpoint answers with this instead (after recording the request). */
  override: (() => TokenAnswer) | undefined;
  /** When set, the token endpoint demands this DPoP nonce (400 `use_dpop_nonce`) from proofs without it. */
  dpopNonce: string | undefined;
  /** When set, the API demands this DPoP nonce (401 `use_dpop_nonce`) from proofs without it. */
  apiDpopNonce: string | undefined;
  /** The revocation endpoint (RFC 7009), named in the discovery document as `revocation_endpoint`. */
  readonly revocationEndpoint: string;
  /** Every request received by the revocation endpoint, whatever its outcome. */
  readonly revocationRequests: TokenRequestRecord[];
  /** When set, the revocation endpoint answers with this instead (after recording the request). */
  revocationOverride: (() => TokenAnswer) | undefined;
  /** Whether `token` was revoked (through the revocation endpoint or {@link TestProvider.revoke}). */
  isRevoked(token: string): boolean;
  /** Makes the API refuse `token` with 401 invalid_token from now on. */
  revoke(token: string): void;
  close(): Promise<void>;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts the provider and API on 127.0.0.1:0. */
export async function startTestProvider(clients: readonly RegisteredClient[]): Promise<TestProvider> {
  const { privateKey: signingKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const issued = new Set<string>();
  const revoked = new Set<string>();
  const seenJti = new Set<string>();
  const server = createServer();
  const { origin, close } = await listenOnLoopback(server);
  const issuer = `${origin}/realms/test`;
  const tokenEndpoint = `${issuer}/protocol/openid-connect/token`;
  const revocationEndpoint = `${issuer}/protocol/openid-connect/revoke`;

  async function authenticate(record: TokenRequestRecord): Promise<RegisteredClient | undefined> {
    const { form, authorization } = record;
    if (authorization !== undefined) {
      const basic = decodeBasic(authorization);
      const client = clients.find((c) => c.clientId === basic?.id);
      if (client?.secret === undefined || client.secret !== basic?.secret) return undefined;
      record.authMethod = 'client_secret_basic';
      return client;
    }
    if (form.get('client_assertion_type') === ASSERTION_TYPE) {
      const client = clients.find((c) => c.clientId === form.get('client_id'));
      if (client?.publicKey === undefined) return undefined;
      try {
        const { payload } = await jwtVerify(form.get('client_assertion') ?? '', client.publicKey, {
          issuer: client.clientId,
          subject: client.clientId,
          audience: issuer,
          maxTokenAge: '2m',
          requiredClaims: ['jti', 'exp'],
        });
        if (typeof payload.aud !== 'string' || seenJti.has(payload.jti as string)) return undefined;
        seenJti.add(payload.jti as string);
        record.authMethod = 'private_key_jwt';
        record.assertion = payload;
        return client;
      } catch {
        return undefined;
      }
    }
    const client = clients.find((c) => c.clientId === form.get('client_id'));
    if (client?.secret === undefined || client.secret !== form.get('client_secret')) return undefined;
    record.authMethod = 'client_secret_post';
    return client;
  }

  /**
   * Records a request in `log`; when `override` is set, answers with it (or never, when it gives nothing:
   * the client must time out) and returns `undefined`, else returns the record for the endpoint to handle.
   */
  async function receive(
    req: IncomingMessage,
    res: ServerResponse,
    log: TokenRequestRecord[],
    override: (() => TokenAnswer) | undefined,
  ): Promise<TokenRequestRecord | undefined> {
    const record: TokenRequestRecord = {
      authorization: req.headers.authorization,
      form: new URLSearchParams(await readBody(req)),
      dpop: typeof req.headers.dpop === 'string' ? req.headers.dpop : undefined,
    };
    log.push(record);
    if (override === undefined) return record;
    const answer = override();
    if (answer !== undefined) {
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json', ...answer.headers });
      res.end(answer.body);
    }
    return undefined;
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = await receive(req, res, provider.tokenRequests, provider.override);
    if (record === undefined) return;
    const client = await authenticate(record);
    if (client === undefined) return send(res, 401, INVALID_CLIENT);
    if (record.form.get('grant_type') !== 'client_credentials')
      return send(res, 400, { error: 'unsupported_grant_type' });
    const scopes = (record.form.get('scope') ?? '').split(' ').filter(Boolean);
    const refused = scopes.filter((s) => !(client.allowedScopes ?? []).includes(s));
    if (refused.length > 0)
      return send(res, 400, { error: 'invalid_scope', error_description: `Invalid scopes: ${refused.join(' ')}` });
    let jkt: string | undefined;
    if (record.dpop !== undefined) {
      const proof = await verifyProof(record.dpop, 'POST', tokenEndpoint);
      if (proof === undefined) return send(res, 400, { error: 'invalid_dpop_proof' });
      if (provider.dpopNonce !== undefined && proof.payload['nonce'] !== provider.dpopNonce)
        return send(res, 400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': provider.dpopNonce });
      jkt = proof.jkt;
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = { typ: 'Bearer', azp: client.clientId, scope: scopes.join(' '), ...(jkt ? { cnf: { jkt } } : {}) };
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'test-signing-key' })
      .setIssuer(issuer)
      .setSubject(`service-account-${client.clientId}`)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + (provider.expiresIn ?? 300))
      .sign(signingKey);
    issued.add(accessToken);
    send(res, 200, {
      access_token: accessToken,
      token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: provider.expiresIn,
      scope: scopes.length > 0 ? scopes.join(' ') : undefined,
    });
  }

  /** RFC 7009 §2.1, as Keycloak: the client authenticates, may revoke only its own tokens, and gets 200 for unknown ones. */
  async function revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = await receive(req, res, provider.revocationRequests, provider.revocationOverride);
    if (record === undefined) return;
    const client = await authenticate(record);
    if (client === undefined) return send(res, 401, INVALID_CLIENT);
    const hint = record.form.get('token_type_hint');
    if (hint !== null && hint !== 'access_token' && hint !== 'refresh_token')
      return send(res, 400, { error: 'unsupported_token_type' });
    const token = record.form.get('token');
    if (token === null) return send(res, 400, { error: 'invalid_request', error_description: 'Token not provided' });
    if (issued.has(token)) {
      const azp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).azp as unknown;
      if (azp !== client.clientId)
        return send(res, 400, { error: 'unauthorized_client', error_description: 'Unmatching clients' });
      revoked.add(token);
    }
    res.writeHead(200, { 'cache-control': 'no-store' }).end();
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const authorization = req.headers.authorization;
    provider.apiRequests.push({
      method: req.method ?? '',
      path,
      authorization,
      headers: req.headers,
      body: await readBody(req),
    });
    const bound = /^DPoP (.+)$/.exec(authorization ?? '')?.[1];
    if (bound !== undefined) return dpopApi(req, res, path, bound);
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (bearer === undefined)
      return send(res, 401, { error: 'invalid_request' }, { 'www-authenticate': 'Bearer realm="test"' });
    if (path === '/api/rotating-nonce')
      return send(
        res,
        401,
        { error: 'use_dpop_nonce' },
        {
          'www-authenticate': 'DPoP error="use_dpop_nonce"',
          'dpop-nonce': randomUUID(),
        },
      );
    if (path === '/api/plain-401')
      return send(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="test"' });
    if (path === '/api/always-invalid' || !issued.has(bearer) || revoked.has(bearer)) {
      const challenge = 'Bearer realm="test", error="invalid_token", error_description="the token is not valid"';
      return send(
        res,
        401,
        { error: 'invalid_token', error_description: 'the token is not valid' },
        { 'www-authenticate': challenge },
      );
    }
    if (path === '/api/forbidden') {
      return send(
        res,
        403,
        { error: 'insufficient_scope' },
        { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"' },
      );
    }
    send(res, 200, { message: 'hello from the test API', method: req.method, body: provider.apiRequests.at(-1)?.body });
  }

  /** A proof's claims and key thumbprint when its header and signature are sound and it is for `htm` `htu`. */
  async function verifyProof(
    proof: string,
    htm: string,
    htu: string,
  ): Promise<{ payload: JWTPayload; jkt: string } | undefined> {
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: 60 });
      if (payload['htm'] !== htm || payload['htu'] !== htu || typeof payload.jti !== 'string') return undefined;
      return { payload, jkt: await calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256') };
    } catch {
      return undefined;
    }
  }

  /** The API under the DPoP scheme: the token is one it issued, bound to the proof's key, with a proof for this request. */
  async function dpopApi(req: IncomingMessage, res: ServerResponse, path: string, token: string): Promise<void> {
    const refuse = (error: string, headers: Record<string, string> = {}) =>
      send(res, 401, { error }, { 'www-authenticate': `DPoP error="${error}"`, ...headers });
    const header = req.headers.dpop;
    const proof =
      typeof header === 'string' ? await verifyProof(header, req.method ?? '', `${origin}${path}`) : undefined;
    if (proof === undefined) return refuse('invalid_dpop_proof');
    if (path === '/api/rotating-nonce') return refuse('use_dpop_nonce', { 'dpop-nonce': randomUUID() });
    if (provider.apiDpopNonce !== undefined && proof.payload['nonce'] !== provider.apiDpopNonce)
      return refuse('use_dpop_nonce', { 'dpop-nonce': provider.apiDpopNonce });
    const ath = createHash('sha256').update(token).digest('base64url');
    if (proof.payload['ath'] !== ath) return refuse('invalid_dpop_proof');
    const cnf = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).cnf as unknown;
    if (!issued.has(token) || revoked.has(token) || (cnf as { jkt?: unknown } | undefined)?.jkt !== proof.jkt)
      return refuse('invalid_token');
    send(res, 200, { message: 'hello from the test API', method: req.method, dpop: true });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    const handle = async () => {
      if (req.method === 'GET' && path === '/realms/test/.well-known/openid-configuration')
        return send(res, 200, provider.metadata);
      if (req.method === 'POST' && `${origin}${path}` === tokenEndpoint) return token(req, res);
      if (req.method === 'POST' && `${origin}${path}` === revocationEndpoint) return revoke(req, res);
      if (path.startsWith('/api/')) return api(req, res, path);
      send(res, 404, { error: 'not_found' });
    };
    handle().catch(() => send(res, 500, { error: 'server_error' }));
  });

  const provider: TestProvider = {
    origin,
    issuer,
    tokenEndpoint,
    metadata: {
      issuer,
      token_endpoint: tokenEndpoint,
      jwks_uri: `${issuer}/protocol/openid-connect/certs`,
      revocation_endpoint: revocationEndpoint,
    },
    tokenRequests: [],
    apiRequests: [],
    expiresIn: 300,
    override: undefined,
    dpopNonce: undefined,
    apiDpopNonce: undefined,
    revocationEndpoint,
    revocationRequests: [],
    revocationOverride: undefined,
    isRevoked: (t) => revoked.has(t),
    revoke: (t) => void revoked.add(t),
    close,
  };
  return provider;
}
