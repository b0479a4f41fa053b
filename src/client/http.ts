/**
 * The client's only door to the network, and the one place where axios errors become {@link ClientError}s.
 */
import { isNativeError } from 'node:util/types';
import axios, { isAxiosError } from 'axios';
import { ProviderUnreachableError, TimeoutError, UnexpectedResponseError } from './errors.js';

/** Answers larger than this are refused: a discovery document or a token response is a few kilobytes. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * A private axios instance: interceptors that an application adds to the global axios instance (for logging,
 * say) never see the client's credentials.
 */
const http = axios.create();

/** One request to the provider. */
export interface ProviderRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/** The provider's answer, whatever its status. */
export interface ProviderAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Sends one request and returns the answer whatever its status. Redirects are not followed (a token request
 * must not be replayed, credentials included, to another URL); they surface as an unexpected status instead.
 */
export async function sendToProvider(request: ProviderRequest): Promise<ProviderAnswer> {
  try {
    const response = await http.request<string>({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      timeout: request.timeoutMs,
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
    const contentType = response.headers['content-type'];
    return {
      status: response.status,
      contentType: typeof contentType === 'string' ? contentType : '',
      body: typeof response.data === 'string' ? response.data : '',
    };
  } catch (error) {
    return translate(error, request);
  }
}

/**
 * Maps a failed request by kind: timeout, unusable answer, or unreachable. Keeps only the low-level Node error
 * as `cause`: the axios error itself carries the request config, and with it the credentials.
 */
function translate(error: unknown, request: ProviderRequest): never {
  if (!isAxiosError(error)) throw error;
  // isNativeError, not instanceof: the Node error may come from another realm (a vm context, jest).
  const options = isNativeError(error.cause) ? { cause: error.cause } : undefined;
  switch (error.code) {
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
      throw new TimeoutError(request.url, request.timeoutMs, options);
    case 'ERR_BAD_RESPONSE':
      throw new UnexpectedResponseError(`unusable answer from "${request.url}": ${error.message}`, undefined, options);
    default:
      throw new ProviderUnreachableError(request.url, error.code, options);
  }
}

/**
 * Parses a JSON object answer, or throws {@link UnexpectedResponseError} saying what was received instead.
 */
export function parseJsonObject(answer: ProviderAnswer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(answer.body);
  } catch {
    throw new UnexpectedResponseError(
      `${what} is not JSON (HTTP ${answer.status}, content-type "${answer.contentType}")`,
      answer.status,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnexpectedResponseError(`${what} is not a JSON object`, answer.status);
  }
  return value as Record<string, unknown>;
}
