import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CompactSign, type JWK } from 'jose';
import type { Algorithm } from '../core/jws/algorithms.js';
import { refuseUnknownKeys, type OptionKeys } from '../shared/option-keys.js';
import { createEncryptionJwk, createFakeKey, type FakeKey } from './fake-keys.js';
import { answerTokenRequest, type FakeClient, type TokenEndpointContext } from './token-endpoint.js';

/** How the fake provider fails: `error` answers 500, `refuse` drops connections, `hang` never answers. */
export type OutageMode = 'error' | 'refuse' | 'hang';

/** Options of {@link startFakeProvider}. */
export interface FakeProviderOptions {
  /** Realm name in the issuer path. Default `myorg`. */
  readonly realm?: string;
  /** Algorithm of the first signing key. Default `RS256`. */
  readonly alg?: Algorithm;
  /** `aud` of minted tokens. Default `test-api`. */
  readonly audience?: string;
  /** `azp` of minted tokens. Default `test_api_client`. */
  readonly clientId?: string;
  /** Serve the OIDC discovery document (404 when false, as some providers). Default true. */
  readonly discovery?: boolean;
  /** The clock in ms since the epoch, for `iat`/`exp`. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * The clients its token endpoint serves (client credentials grant). Default: `clientId` (`test_api_client`)
   * with the secret `test_api_client_dev_secret`.
   */
  readonly clients?: readonly FakeClient[];
}

const FAKE_PROVIDER_OPTION_KEYS = {
  realm: true,
  alg: true,
  audience: true,
  clientId: true,
  discovery: true,
  now: true,
  clients: true,
} as const satisfies OptionKeys<FakeProviderOptions>;

/** Options of one minted token. */
export interface MintOptions {
  /** Header members to add or override (`undefined` removes one). */
  readonly header?: Record<string, unknown>;
  /** Sign with this key instead of the current one. */
  readonly key?: FakeKey;
  /** Lifetime in seconds. Default 300. */
  readonly expiresIn?: number;
}

/** `header` and the claims are free-form on purpose (tests forge any member); the options around them are not. */
const MINT_OPTION_KEYS = { header: true, key: true, expiresIn: true } as const satisfies OptionKeys<MintOptions>;

/** An in-process identity provider on 127.0.0.1: discovery, JWKS, Keycloak-shaped tokens, rotation, outages. */
export interface FakeProvider {
  /** The issuer, `http://127.0.0.1:<port>/realms/<realm>`. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** The token endpoint: the client credentials grant for the `clients` option's clients. */
  readonly tokenEndpoint: string;
  /** The key minted tokens are signed with. */
  readonly currentKey: FakeKey;
  /** How many times discovery and the JWKS were fetched. */
  readonly requests: { discovery: number; jwks: number };
  /** Mints a Keycloak-shaped access token; `claims` override the defaults (`undefined` removes one). */
  mint(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Adds a new key, publishes it and makes it current; the old ones stay published. */
  rotate(alg?: Algorithm): Promise<FakeKey>;
  /** Stops publishing a key. */
  unpublish(kid: string): void;
  /** Starts or ends an outage. */
  setOutage(mode: OutageMode | undefined): void;
  /** Serves this instead of the JWKS (any body, for fault tests); `undefined` restores the real one. */
  setJwksBody(body: string | undefined): void;
  close(): Promise<void>;
}

function withOverrides(
  base: Record<string, unknown>,
  overrides: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Starts a fake provider. Its tokens look like Keycloak's (`typ: Bearer`, `azp`, `scope`, `realm_access`,
 * `resource_access`), its JWKS carries an encryption key beside the signing keys, as Keycloak's does.
 *
 * @example
 * const idp = await startFakeProvider()
 * const token = await idp.mint({ scope: 'test_api_access' })
 */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  refuseUnknownKeys(options, FAKE_PROVIDER_OPTION_KEYS, '');
  const realm = options.realm ?? 'myorg';
  const now = options.now ?? Date.now;
  const keys: FakeKey[] = [await createFakeKey(options.alg ?? 'RS256')];
  const encryptionKey: JWK = await createEncryptionJwk();
  let current = keys[0]!;
  let outage: OutageMode | undefined;
  let jwksOverride: string | undefined;
  const requests = { discovery: 0, jwks: 0 };
  const sockets = new Set<Socket>();
  const base = `/realms/${realm}`;

  const server = createServer((req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    const isDiscovery = path === `${base}/.well-known/openid-configuration`;
    const isJwks = path === `${base}/protocol/openid-connect/certs`;
    const isToken = path === `${base}/protocol/openid-connect/token`;
    if (isDiscovery) requests.discovery++;
    if (isJwks) requests.jwks++;
    if (outage === 'hang') return;
    if (outage === 'refuse') return void req.socket.destroy();
    if (outage === 'error') return void res.writeHead(500).end('down');
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (isDiscovery && options.discovery !== false) {
      return void json({
        issuer,
        jwks_uri: `${issuer}/protocol/openid-connect/certs`,
        token_endpoint: tokenEndpoint.tokenEndpoint,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      });
    }
    if (isToken) {
      return void answerTokenRequest(req, tokenEndpoint).then(
        (answer) => res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body)),
        () => res.writeHead(500).end(),
      );
    }
    if (isJwks) {
      if (jwksOverride !== undefined)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(jwksOverride);
      return void json({ keys: [...keys.map((k) => k.jwk), encryptionKey] });
    }
    res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}${base}`;
  const clientId = options.clientId ?? 'test_api_client';
  const tokenEndpoint: TokenEndpointContext = {
    issuer,
    tokenEndpoint: `${issuer}/protocol/openid-connect/token`,
    audience: options.audience ?? 'test-api',
    clients: options.clients ?? [{ clientId, secret: `${clientId}_dev_secret` }],
    mint: (claims) => provider.mint(claims),
    lifetime: 300,
    assertionIds: new Set(),
  };

  const provider: FakeProvider = {
    issuer,
    jwksUri: `${issuer}/protocol/openid-connect/certs`,
    tokenEndpoint: tokenEndpoint.tokenEndpoint,
    get currentKey() {
      return current;
    },
    requests,
    async mint(claims, mintOptions = {}) {
      refuseUnknownKeys(mintOptions, MINT_OPTION_KEYS, '');
      const key = mintOptions.key ?? current;
      const iat = Math.floor(now() / 1000);
      const payload = withOverrides(
        {
          exp: iat + (mintOptions.expiresIn ?? 300),
          iat,
          jti: randomUUID(),
          iss: issuer,
          aud: options.audience ?? 'test-api',
          sub: randomUUID(),
          typ: 'Bearer',
          azp: options.clientId ?? 'test_api_client',
          scope: 'profile email',
          realm_access: { roles: ['default-roles-myorg'] },
          resource_access: { account: { roles: ['view-profile'] } },
          preferred_username: `service-account-${options.clientId ?? 'test_api_client'}`,
        },
        claims,
      );
      const header = withOverrides({ alg: key.alg, typ: 'JWT', kid: key.kid }, mintOptions.header);
      return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader(header as { alg: string })
        .sign(key.privateKey);
    },
    async rotate(alg = 'RS256') {
      current = await createFakeKey(alg);
      keys.push(current);
      return current;
    },
    unpublish(kid) {
      const index = keys.findIndex((k) => k.kid === kid);
      if (index !== -1) keys.splice(index, 1);
    },
    setOutage(mode) {
      outage = mode;
    },
    setJwksBody(body) {
      jwksOverride = body;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return provider;
}
