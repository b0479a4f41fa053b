import type { FetchFailureCause } from '../events/events.js';
import { networkFailure } from './network-failure.js';
import { urlForMessages, urlProblem } from '../../shared/url-policy.js';

/** Why a metadata or key fetch failed; every kind means "the provider cannot be relied on right now". */
export class FetchFailedError extends Error {
  readonly status: number | undefined;
  /** What went wrong, in one word (for events and metrics); `http_status` when `status` is set. */
  readonly kind: FetchFailureCause;
  constructor(message: string, options?: { cause?: unknown; status?: number; kind?: FetchFailureCause }) {
    super(message, options);
    this.name = 'FetchFailedError';
    this.status = options?.status;
    this.kind = options?.kind ?? (options?.status === undefined ? 'bad_document' : 'http_status');
  }
}

/** Limits of one fetch. */
export interface FetchLimits {
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly fetch: typeof fetch;
  /** Plain `http://` to hosts other than loopback (see ../shared/url-policy.ts). */
  readonly allowInsecureHttp: boolean;
}

/** Refuses, before any request, a URL that breaks the URL rule. */
function assertAllowedUrl(url: string, allowInsecureHttp: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchFailedError('refusing to fetch something that is not a URL', { kind: 'refused_url' });
  }
  const problem = urlProblem(parsed, { allowInsecureHttp });
  if (problem !== undefined)
    throw new FetchFailedError(`refusing to fetch ${urlForMessages(parsed)}: it ${problem}`, { kind: 'refused_url' });
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchFailedError(`response from ${url} is larger than ${maxBytes} bytes`, { kind: 'too_large' });
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchFailedError(`response from ${url} is larger than ${maxBytes} bytes`, { kind: 'too_large' });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A form POST (an introspection request): its credentials travel in `headers` and never appear in errors. */
export interface FormPost {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * GETs a JSON object — or, with `post`, POSTs a form and reads a JSON object back — with a timeout covering
 * the whole exchange (headers and body) and a cap on the body size. The URL must pass the URL rule before
 * anything is sent, and redirects are never followed: a redirect could lead a key fetch from https to plain
 * http, or replay a POST's credentials to another URL. Any failure — a refused URL, network, timeout, a
 * redirect, non-2xx, oversize, not a JSON object — is a {@link FetchFailedError}; a 404 keeps its status so
 * discovery can fall back.
 */
export async function fetchJsonObject(
  url: string,
  limits: FetchLimits,
  post?: FormPost,
): Promise<Record<string, unknown>> {
  assertAllowedUrl(url, limits.allowInsecureHttp);
  const signal = AbortSignal.timeout(limits.timeout);
  let text: string;
  try {
    const init: RequestInit =
      post === undefined
        ? { signal, headers: { accept: 'application/json' }, redirect: 'manual' }
        : {
            signal,
            method: 'POST',
            headers: {
              accept: 'application/json',
              'content-type': 'application/x-www-form-urlencoded',
              ...post.headers,
            },
            body: post.body,
            redirect: 'manual',
          };
    const response = await limits.fetch(url, init);
    // 'manual' gives the 3xx itself in Node, an opaque status-0 answer in a browser-like fetch: both refused.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw new FetchFailedError(`${url} answered a redirect (HTTP ${response.status}); redirects are not followed`, {
        status: response.status,
        kind: 'redirect',
      });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new FetchFailedError(`${url} answered HTTP ${response.status}`, { status: response.status });
    }
    text = await readCapped(response, limits.maxResponseBytes, url);
  } catch (error) {
    if (error instanceof FetchFailedError) throw error;
    const failure = signal.aborted ? 'timeout' : networkFailure(error);
    const reason = signal.aborted
      ? `timed out after ${limits.timeout} ms`
      : `could not be fetched${failure === 'unknown' ? '' : ` (${failure})`}`;
    throw new FetchFailedError(`${url} ${reason}`, { cause: error, kind: failure });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FetchFailedError(`${url} did not answer JSON`, { cause: error, kind: 'not_json' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FetchFailedError(`${url} did not answer a JSON object`, { kind: 'not_json' });
  }
  return parsed as Record<string, unknown>;
}
