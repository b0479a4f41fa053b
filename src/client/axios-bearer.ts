/**
 * axios glue: attach `Authorization: Bearer <token>` to every request, and when the API answers 401 with
 * `error="invalid_token"` (RFC 6750 §3.1: revoked, expired or otherwise invalid), forget that token, get a
 * fresh one and retry the request once. A DPoP-bound token goes as `Authorization: DPoP <token>` with a fresh
 * proof for that very request (RFC 9449 §7), and a 401 `use_dpop_nonce` is retried once with the server's nonce.
 */
import { createRequire } from 'node:module';
import type {
  AxiosError,
  AxiosInstance,
  AxiosResponse,
  AxiosStatic,
  CreateAxiosDefaults,
  InternalAxiosRequestConfig,
} from 'axios';
import { urlProblem } from '../shared/url-policy.js';
import type { TokenSource } from './token-source.js';
import { bearerChallengeError, dpopChallengeError } from './www-authenticate.js';

/** Marks a request that is already the retry, so that a second 401 is returned as is: never a loop. */
const RETRIED = 'bearerGuardRetried';

type TrackedConfig = InternalAxiosRequestConfig & { [RETRIED]?: boolean };

function usedToken(config: InternalAxiosRequestConfig): string | undefined {
  const value = config.headers.get('authorization');
  if (typeof value !== 'string') return undefined;
  return /^(?:Bearer|DPoP) (.+)$/.exec(value)?.[1];
}

function challenge(response: AxiosResponse | undefined): string | undefined {
  if (response?.status !== 401) return undefined;
  const header: unknown = response.headers['www-authenticate'];
  const value = Array.isArray(header) ? header.join(', ') : header;
  return typeof value === 'string' ? value : undefined;
}

function isInvalidToken(response: AxiosResponse | undefined): boolean {
  const value = challenge(response);
  return value !== undefined && (bearerChallengeError(value) ?? dpopChallengeError(value)) === 'invalid_token';
}

/** The nonce a resource server demands (RFC 9449 §9): 401 `use_dpop_nonce` with a `DPoP-Nonce` header. */
function demandedNonce(response: AxiosResponse | undefined): string | undefined {
  const value = challenge(response);
  if (value === undefined || dpopChallengeError(value) !== 'use_dpop_nonce') return undefined;
  const nonce: unknown = response?.headers['dpop-nonce'];
  return typeof nonce === 'string' && nonce !== '' ? nonce : undefined;
}

/** Options of {@link attachBearerToken} and {@link createBearerAxios}. */
export interface BearerAxiosOptions {
  /** Send the token over plain `http://` to hosts other than loopback. Off by default: it would travel in clear. */
  readonly allowInsecureHttp?: boolean;
}

/**
 * Refuses, before a token is even fetched, to send one to a URL that breaks the URL rule (../shared/url-policy.ts).
 * Redirects are axios's own: it drops `Authorization` when one leads to another host or from https to http.
 */
function assertTokenMayGo(instance: AxiosInstance, config: InternalAxiosRequestConfig, insecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(instance.getUri(config));
  } catch {
    throw new TypeError('a bearer token is sent only to an absolute URL (set "baseURL" or give a full URL)');
  }
  const problem = urlProblem(url, { allowInsecureHttp: insecure });
  if (problem !== undefined) throw new TypeError(`the URL a bearer token is sent to ${problem}`);
  return url;
}

/**
 * Installs the interceptors on an existing axios instance and returns a function that removes them.
 * The token is set on every request of the instance, replacing any `Authorization` header; a request to a URL
 * that is neither https nor plain http to a loopback host (unless `allowInsecureHttp`) is refused with a
 * `TypeError` instead.
 *
 * @example
 * const api = axios.create({ baseURL: 'http://localhost:50100' })
 * const detach = attachBearerToken(api, createTokenSource(config, { scopes: ['test_api_access'] }))
 */
export function attachBearerToken(
  instance: AxiosInstance,
  source: TokenSource,
  options: BearerAxiosOptions = {},
): () => void {
  const insecure = options.allowInsecureHttp ?? false;
  if (typeof insecure !== 'boolean') throw new TypeError('"allowInsecureHttp" must be a boolean');
  // The latest DPoP nonce each origin gave (RFC 9449 §8.2 lets a server rotate it on any answer).
  const nonces = new Map<string, string>();
  const remember = (config: InternalAxiosRequestConfig | undefined, response: AxiosResponse | undefined) => {
    const nonce: unknown = response?.headers['dpop-nonce'];
    if (config === undefined || typeof nonce !== 'string' || nonce === '') return;
    try {
      nonces.set(new URL(instance.getUri(config)).origin, nonce);
    } catch {
      // not an absolute URL: no token was sent, so there is no nonce to keep
    }
  };
  const retry = (config: TrackedConfig | undefined, response: AxiosResponse | undefined) => {
    remember(config, response);
    if (config === undefined || config[RETRIED] === true) return undefined;
    // A nonce is worth a retry only to a request that carried a proof: the retry's proof then includes it.
    if (demandedNonce(response) === undefined || !config.headers.has('dpop')) {
      if (!isInvalidToken(response)) return undefined;
      const token = usedToken(config);
      if (token !== undefined) source.invalidate(token);
    }
    return instance.request({ ...config, [RETRIED]: true } as TrackedConfig);
  };
  const request = instance.interceptors.request.use(async (config) => {
    const url = assertTokenMayGo(instance, config, insecure);
    const { token, tokenType } = await source.getToken();
    if (tokenType !== 'DPoP') {
      config.headers.set('authorization', `Bearer ${token}`);
      return config;
    }
    if (source.dpop === undefined)
      throw new TypeError('a DPoP-bound token needs its DPoP key: the token source has none');
    const nonce = nonces.get(url.origin);
    const proof = await source.dpop.proof({
      htm: (config.method ?? 'get').toUpperCase(),
      htu: url.href,
      accessToken: token,
      ...(nonce === undefined ? {} : { nonce }),
    });
    config.headers.set('authorization', `DPoP ${token}`);
    config.headers.set('dpop', proof);
    return config;
  });
  const response = instance.interceptors.response.use(
    (answer: AxiosResponse) => retry(answer.config, answer) ?? answer,
    (error: AxiosError) => retry(error.config, error.response) ?? Promise.reject(error),
  );
  return () => {
    instance.interceptors.request.eject(request);
    instance.interceptors.response.eject(response);
  };
}

/**
 * The application's axios: an optional peer dependency, needed only here. Loaded on first use with `require`,
 * so that `bearer-guard/client` loads without it and this function stays synchronous (from ES modules too,
 * where it is then axios's CommonJS build: an app comparing errors with `instanceof AxiosError` of its own
 * import, or setting `axios.defaults`, makes its instance itself and calls {@link attachBearerToken}).
 */
function loadAxios(): AxiosStatic {
  try {
    return createRequire(import.meta.url)('axios') as AxiosStatic;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new TypeError(
      'createBearerAxios needs the "axios" package, an optional peer dependency of bearer-guard/client: ' +
        'install it (npm i axios), or pass an axios instance of your own to attachBearerToken',
      { cause: error },
    );
  }
}

/**
 * Creates an axios instance that sends a bearer token from `source` with every request and retries once,
 * with a fresh token, after a 401 `invalid_token`. A 403, or a 401 without `invalid_token`, is not retried.
 *
 * @example
 * const api = createBearerAxios(source, { baseURL: 'http://localhost:50100', timeout: 5000 })
 * const { data } = await api.get('/api/private-scoped')
 */
export function createBearerAxios(
  source: TokenSource,
  defaults?: CreateAxiosDefaults,
  options?: BearerAxiosOptions,
): AxiosInstance {
  const instance = loadAxios().create(defaults);
  attachBearerToken(instance, source, options);
  return instance;
}
