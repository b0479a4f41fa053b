import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { InvalidTokenError } from '../errors.js';
import { rawHeaderValues, type SenderRequest } from './extract.js';

const refuse = (message: string): InvalidTokenError => new InvalidTokenError(message, { reason: 'sender_constrained' });

/** RFC 8705 §3.1: `x5t#S256` is the base64url SHA-256 of the certificate's DER encoding. */
export function certificateThumbprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

/** The certificate of the request's own TLS connection, as DER; `undefined` for plain HTTP or no certificate. */
function fromSocket(request: SenderRequest): Uint8Array | undefined {
  const socket = request.socket as { getPeerCertificate?: unknown } | undefined;
  if (typeof socket?.getPeerCertificate !== 'function') return undefined; // not a TLS connection
  const certificate = (socket as TLSSocket).getPeerCertificate(false) as { raw?: unknown } | null;
  const raw = certificate?.raw;
  return raw instanceof Uint8Array && raw.length > 0 ? raw : undefined;
}

/**
 * A certificate as a proxy forwards it: Envoy's `x-forwarded-client-cert` (`…;Cert="<URL-encoded PEM>";…`),
 * URL-encoded PEM (nginx `$ssl_client_escaped_cert`), PEM with its line breaks folded into spaces or tabs, or
 * base64 DER. Anything else is no certificate.
 */
export function parseForwardedCertificate(value: string): Uint8Array | undefined {
  let text = value.trim();
  const envoy = /(?:^|[;,])\s*Cert="([^"]*)"/i.exec(text);
  if (envoy !== null) text = envoy[1]!;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  const base64 = (pem === null ? text : pem[1]!).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  try {
    return new X509Certificate(Buffer.from(base64, 'base64')).raw; // parses: only a real certificate passes
  } catch {
    return undefined;
  }
}

/**
 * Admits an mTLS-bound token (RFC 8705 §3) only when the request's client certificate, from the TLS connection or
 * from the one proxy header the user trusts, has the thumbprint the token's `cnf["x5t#S256"]` names.
 */
export function checkCertificateBinding(
  request: SenderRequest,
  expected: string,
  certificateHeader: string | undefined,
): void {
  let der: Uint8Array | undefined;
  if (certificateHeader === undefined) {
    der = fromSocket(request);
  } else {
    const values = rawHeaderValues(request, certificateHeader);
    if (values.length > 1) throw refuse('more than one client certificate header');
    der = values.length === 1 ? parseForwardedCertificate(values[0]!) : undefined;
  }
  if (der === undefined) throw refuse('token is bound to a client certificate ("cnf"), but none was presented');
  if (certificateThumbprint(der) !== expected)
    throw refuse('token is bound to another client certificate than the one presented');
}
