import { InvalidDpopProofError, InvalidRequestError } from '../errors.js';

/** What the sender-constraint checks read of a request; a Node request with its original URL fits. */
export interface SenderRequest {
  readonly method?: string | undefined;
  /** The request target as received (path and query), before any router rewrote it. */
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  /** The connection: a `tls.TLSSocket` offers the client's certificate (`getPeerCertificate`). */
  readonly socket?: object | undefined;
}

/** A request under the DPoP scheme (RFC 9449 §7.1): the token and its proof. */
export interface DpopCredentials {
  readonly token: string;
  readonly proof: string;
}

const DPOP_SCHEME = /^dpop[ \t]/i;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** True when the request's `Authorization` header uses the DPoP scheme. */
export function isDpopAuthorization(request: SenderRequest): boolean {
  const value = request.headers.authorization;
  return typeof value === 'string' && DPOP_SCHEME.test(value.trimStart());
}

/** Every raw value of one header (Node joins or drops repeated ones in `headers`). */
export function rawHeaderValues(request: SenderRequest, name: string): string[] {
  const values: string[] = [];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values;
}

/**
 * The token and proof of a DPoP request. Two `Authorization` headers or a token in the query as well are a
 * malformed request (400); no `DPoP` header, or more than one, is a bad proof (RFC 9449 §4.3 (1)).
 */
export function extractDpopCredentials(request: SenderRequest): DpopCredentials {
  const authorizations = rawHeaderValues(request, 'authorization');
  if (authorizations.length > 1) throw new InvalidRequestError('more than one "Authorization" header');
  const value = (authorizations[0] ?? String(request.headers.authorization)).trim();
  const token = value.slice(4).trim();
  if (token === '') throw new InvalidRequestError('"Authorization: DPoP" carries no token');
  if (!TOKEN68.test(token)) throw new InvalidRequestError('"Authorization: DPoP" carries a malformed token');
  const url = request.url ?? '';
  const q = url.indexOf('?');
  if (q !== -1 && new URLSearchParams(url.slice(q + 1)).has('access_token'))
    throw new InvalidRequestError('the token was sent in more than one place');
  const proofs = rawHeaderValues(request, 'dpop');
  if (proofs.length === 0) throw new InvalidDpopProofError('no "DPoP" proof header');
  if (proofs.length > 1) throw new InvalidDpopProofError('more than one "DPoP" proof header');
  return { token, proof: proofs[0]!.trim() };
}

/** The path of a request target, for `htu`: absolute-form targets give their path, query and fragment dropped. */
export function targetPath(url: string | undefined): string {
  const target = url ?? '/';
  const path = target.startsWith('/') ? target : safePath(target);
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

function safePath(target: string): string {
  try {
    return new URL(target).pathname;
  } catch {
    return '/';
  }
}
