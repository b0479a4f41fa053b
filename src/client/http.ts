/**
 * The client's only door to the network (Node's own fetch), and the one place where network failures become
 * {@link ClientError}s. It needs no HTTP library: axios is needed only by the axios glue (axios-bearer.ts).
 */
import { isNativeError } from 'node:util/types';
import { ProviderUnreachableError, TimeoutError, UnexpectedResponseError } from './errors.js';
import type { ProviderFetch } from './mtls.js';

/** Answers larger than this are refused: a discovery document or a token response is a few kilobytes. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** One request to the provider. */
export interface ProviderRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Sends it over a connection showing a client certificate (mTLS) instead of with Node's fetch. */
  readonly transport?: ProviderFetch | undefined;
}

/** The provider's answer, whatever its status. */
export interface ProviderAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The `DPoP-Nonce` header (RFC 9449 §8), when the provider sent one. */
  readonly dpopNonce?: string | undefined;
  /** `WWW-Authenticate`, when the answer has one (a protected resource's challenge). */
  readonly wwwAuthenticate?: string;
}

/** The body as text, refused once it exceeds {@link MAX_RESPONSE_BYTES}. */
async function readCapped(response: Response, url: string): Promise<string> {
  const tooLarge = () =>
    new UnexpectedResponseError(
      `unusable answer from "${url}": larger than ${MAX_RESPONSE_BYTES} bytes`,
      response.status,
    );
  if (Number(response.headers.get('content-length')) > MAX_RESPONSE_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw tooLarge(); // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends one request and returns the answer whatever its status. The timeout covers the whole exchange, body
 * included. Redirects are not followed (a token request must not be replayed, credentials included, to
 * another URL); they surface as an unexpected status instead.
 */
export async function sendToProvider(request: ProviderRequest): Promise<ProviderAnswer> {
  try {
    const response = await (request.transport ?? fetch)(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await readCapped(response, request.url);
    const dpopNonce = response.headers.get('dpop-nonce') ?? undefined;
    const challenge = response.headers.get('www-authenticate');
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
      dpopNonce,
      ...(challenge === null ? {} : { wwwAuthenticate: challenge }),
    };
  } catch (error) {
    return translate(error, request);
  }
}

/** The system error code (`ECONNREFUSED`, `ENOTFOUND`, …) behind a failed fetch, and that error. */
function systemCause(error: unknown): { code: string | undefined; cause: Error | undefined } {
  let cause: unknown = isNativeError(error) ? error.cause : undefined;
  // undici may wrap the socket's error once more (an AggregateError for several addresses, say).
  if (isNativeError(cause) && !('code' in cause) && isNativeError(cause.cause)) cause = cause.cause;
  if (!isNativeError(cause)) return { code: undefined, cause: undefined };
  const code = (cause as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : undefined, cause };
}

/**
 * Maps a failed request by kind: timeout, unusable answer, or unreachable. Keeps only the low-level Node error
 * as `cause` (never the request, whose headers hold the credentials).
 */
function translate(error: unknown, request: ProviderRequest): never {
  if (error instanceof UnexpectedResponseError) throw error; // ours, from readCapped
  // By name, not instanceof: the timeout is a DOMException, possibly of another realm (a vm context, jest).
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    throw new TimeoutError(request.url, request.timeoutMs);
  }
  const { code, cause } = systemCause(error);
  throw new ProviderUnreachableError(request.url, code, cause === undefined ? undefined : { cause });
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
