import type { OptionKeys } from '../../shared/option-keys.js';
import { InvalidRequestError, MissingCredentialsError } from '../errors.js';

/** What token extraction needs of a request; an Express or a plain Node request fits. */
export interface BearerRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  readonly body?: unknown;
}

/** Where tokens may come from besides the `Authorization` header (RFC 6750 §2.2, §2.3). */
export interface BearerSources {
  /** Accept `?access_token=` (RFC 6750 §2.3). Off by default: URLs end up in logs. */
  readonly query: boolean;
  /** Accept an `access_token` field of an already parsed form body (RFC 6750 §2.2). Off by default. */
  readonly body: boolean;
}

export const BEARER_SOURCE_KEYS = { query: true, body: true } as const satisfies OptionKeys<BearerSources>;

const AUTHORIZATION = 'authorization';
const NO_VALUES: readonly string[] = [];

/** Every value of the `Authorization` header as sent: Node keeps only the first in `headers`. */
function authorizationHeaders(req: BearerRequest): readonly string[] {
  let values: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // Most names differ in length: only a name of the right length is lowercased (runs on every request).
    const name = raw[i]!;
    if (name.length === AUTHORIZATION.length && name.toLowerCase() === AUTHORIZATION) (values ??= []).push(raw[i + 1]!);
  }
  return values ?? NO_VALUES;
}

/** The bearer token of the `Authorization` header, `undefined` for none or another scheme. */
function fromHeader(req: BearerRequest): string | undefined {
  const single = req.headers.authorization;
  if (single === undefined) return undefined;
  const all = authorizationHeaders(req);
  if (all.length > 1) throw new InvalidRequestError('more than one "Authorization" header');
  const value = (all[0] ?? (typeof single === 'string' ? single : '')).trim();
  const space = value.search(/[ \t]/);
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') return undefined; // another scheme is "no credentials" (RFC 6750 §3.1)
  const token = space === -1 ? '' : value.slice(space + 1).trim();
  if (token === '') throw new InvalidRequestError('"Authorization: Bearer" carries no token');
  return token;
}

/** Every `access_token` query parameter of the request URL. */
function fromQuery(req: BearerRequest): readonly string[] {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q === -1) return NO_VALUES;
  return new URLSearchParams(url.slice(q + 1)).getAll('access_token');
}

/** True for `application/x-www-form-urlencoded`, with or without parameters, in any case. */
function isFormEncoded(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return typeof value === 'string' && value.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * The `access_token` field of a parsed form body, if there is one. RFC 6750 §2.2: the body must be
 * `application/x-www-form-urlencoded` and "the "GET" method MUST NOT be used"; any other body (JSON) is data.
 */
function fromBody(req: BearerRequest): unknown {
  const body = req.body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, 'access_token')) return undefined;
  if (req.method === 'GET' || !isFormEncoded(req.headers['content-type'])) return undefined;
  return (body as Record<string, unknown>).access_token;
}

/**
 * Finds the bearer token of a request (RFC 6750 §2). Throws {@link MissingCredentialsError} when there is
 * none, {@link InvalidRequestError} when the request is malformed: two `Authorization` headers, `Bearer`
 * with no token, or a token in more than one place (RFC 6750 §2: "Clients MUST NOT use more than one
 * method to transmit the token in each request") — whether or not the other places are enabled.
 *
 * @example
 * const token = extractBearerToken(req, { query: false, body: false })
 */
export function extractBearerToken(req: BearerRequest, sources: BearerSources): string {
  const header = fromHeader(req);
  const query = fromQuery(req);
  const body = fromBody(req);
  const places = (header !== undefined ? 1 : 0) + (query.length > 0 ? 1 : 0) + (body !== undefined ? 1 : 0);
  if (places > 1 && header !== undefined) throw new InvalidRequestError('the token was sent in more than one place');
  if (header !== undefined) return header;
  if (sources.query && query.length > 0) {
    if (places > 1) throw new InvalidRequestError('the token was sent in more than one place');
    if (query.length > 1) throw new InvalidRequestError('more than one "access_token" query parameter');
    if (query[0] === '') throw new InvalidRequestError('"access_token" query parameter is empty');
    return query[0]!;
  }
  if (sources.body && body !== undefined) {
    if (places > 1) throw new InvalidRequestError('the token was sent in more than one place');
    if (typeof body !== 'string' || body === '')
      throw new InvalidRequestError('"access_token" body field is not a token');
    return body;
  }
  throw new MissingCredentialsError();
}
