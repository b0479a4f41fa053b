import type {
  AuthControl,
  AuthEventListener,
  AuthOptions,
  DpopOptions,
  Guards,
  ReplayStore,
  RevocationStore,
  VerifiedToken,
} from '../index.js';
import type { DemoRateLimitOptions } from './rate-limit.js';
import type { DemoSettings } from './settings.js';

/** Options of the demo app beyond its settings. */
export interface DemoAppOptions extends DemoRateLimitOptions {
  readonly revocations?: RevocationStore;
  readonly fetch?: typeof fetch;
  /** Where the library's events go (the server logs them). */
  readonly onEvent?: AuthEventListener;
  /** Where seen DPoP proofs are kept (Redis, to share them between instances). Default: this process. */
  readonly dpopReplay?: ReplayStore;
  /** The secret of DPoP server nonces, shared between instances. Default: random per process. */
  readonly dpopNonceSecret?: string;
}

/** The DPoP proof algorithms the demo accepts (and lists in its challenges and metadata). */
export const DEMO_DPOP_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'EdDSA'] as const;

/** The demo's DPoP options: proofs for `RESOURCE` + path, replay kept as configured, nonces with DPOP_NONCE=on. */
function demoDpop(settings: DemoSettings, options: DemoAppOptions): DpopOptions {
  const nonce = options.dpopNonceSecret === undefined ? true : { secret: options.dpopNonceSecret };
  return {
    origin: settings.resource ?? `http://${settings.host}:${settings.port}`,
    algorithms: DEMO_DPOP_ALGORITHMS,
    proofLifetime: 60,
    ...(options.dpopReplay ? { replay: options.dpopReplay } : {}),
    ...(settings.dpopNonce === true ? { nonce } : {}),
  };
}

/** One route of the contract: its guard (none for public routes) and the JSON it answers an admitted caller. */
export interface DemoRoute<H> {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly guard: H | undefined;
  readonly answer: (token: VerifiedToken | undefined) => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** The `realm` of the challenge: the Keycloak realm name of the issuer, else `api`. */
function realmName(issuer: string): string {
  const match = /\/realms\/([^/]+)\/?$/.exec(new URL(issuer).pathname);
  return match ? decodeURIComponent(match[1]!) : 'api';
}

/** The guard options of the demo, the same for every framework. */
export function demoAuthOptions(
  settings: DemoSettings,
  options: DemoAppOptions,
): AuthOptions & Pick<DemoAppOptions, 'revocations' | 'fetch'> & { dpop: DpopOptions } {
  return {
    issuer: { issuer: settings.issuerUrl, discoveryUrl: settings.discoveryUrl },
    audience: settings.audience,
    clockTolerance: 30,
    realm: realmName(settings.issuerUrl),
    allowInsecureHttp: true, // a demo: docker compose reaches Keycloak as http://keycloak:8080
    ...(settings.resource === undefined ? {} : { resource: settings.resource }),
    ...(options.revocations ? { revocations: options.revocations } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    dpop: demoDpop(settings, options),
  };
}

/** The demo resource server's routes, exactly as the demo contract (docs) fixes them, for any framework. */
export function demoRoutes<H>(auth: Guards<H> & Pick<AuthControl, 'revoke'>): readonly DemoRoute<H>[] {
  return [
    {
      method: 'GET',
      path: '/api/public',
      guard: undefined,
      answer: () => ({ message: 'public endpoint: no token needed' }),
    },
    {
      method: 'GET',
      path: '/api/private',
      guard: auth.requireAuth(),
      answer: () => ({ message: 'private endpoint: any valid access token' }),
    },
    {
      method: 'GET',
      path: '/api/private-scoped',
      guard: auth.requireAuth('test_api_access'),
      answer: () => ({ message: 'scoped endpoint: token holds test_api_access' }),
    },
    {
      method: 'GET',
      path: '/api/private-scoped-all',
      guard: auth.requireAuth(['test_api_access', 'email']),
      answer: () => ({ message: 'scoped endpoint: token holds test_api_access and email' }),
    },
    {
      method: 'GET',
      path: '/api/admin',
      guard: auth.requireRole('admin'),
      answer: () => ({ message: 'admin endpoint: token holds the realm role admin' }),
    },
    {
      method: 'GET',
      path: '/api/me',
      guard: auth.requireAuth(),
      answer: (token) => ({
        message: 'who you are',
        sub: token!.payload.sub,
        client_id: token!.clientId,
        scopes: token!.scopes,
        roles: token!.roles,
      }),
    },
    {
      method: 'GET',
      path: '/api/dpop',
      guard: auth.requireDPoP(),
      answer: () => ({ message: 'DPoP endpoint: a DPoP-bound token with its proof' }),
    },
    {
      method: 'POST',
      path: '/api/logout',
      guard: auth.requireAuth(),
      answer: async (token) => {
        await auth.revoke(token!);
        return { message: 'token revoked' };
      },
    },
  ];
}

/** The answer to a route that does not exist. */
export const NOT_FOUND = { error: 'not_found', error_description: 'no such route' } as const;

/** The status and body for an error a route's handler (not the guard) failed with: nothing of it leaks. */
export function failureAnswer(error: unknown): { status: number; body: Record<string, string> } {
  const declared =
    typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
      ? error.status
      : typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number'
        ? error.statusCode
        : 500;
  const status = declared >= 400 && declared < 600 ? declared : 500;
  return {
    status,
    body: {
      error: status >= 500 ? 'server_error' : 'invalid_request',
      error_description: 'the request could not be handled',
    },
  };
}
