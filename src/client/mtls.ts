/**
 * Mutual TLS (RFC 8705): the client proves itself with its TLS certificate. At the token endpoint that replaces a
 * secret (`tls_client_auth` or `self_signed_tls_client_auth`: only `client_id` goes in the body), and the provider
 * binds the token to the certificate's thumbprint (`cnf["x5t#S256"]`), so the API must be called over the same
 * certificate (with axios: `httpsAgent: new https.Agent({ cert, key, ca })`).
 */
import { createSecureContext } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { ClientAuth } from './client-auth.js';

/** A PEM certificate (chain) and its private key, and optionally the CAs to trust for the provider. */
export interface ClientCertificate {
  /** The client's certificate, PEM; its chain may follow it. */
  readonly cert: string | Buffer;
  /** The certificate's private key, PEM. */
  readonly key: string | Buffer;
  /** CA certificates (PEM) to trust for the provider instead of Node's default list; e.g. a private CA. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

const CERTIFICATE_KEYS = new Set(['cert', 'key', 'ca']);

/** What the client's requests are sent with: Node's fetch, or fetch over a connection showing a certificate. */
export type ProviderFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * `tls_client_auth` and `self_signed_tls_client_auth` (RFC 8705 §2): the TLS handshake authenticates the client,
 * so the request carries only its `client_id`. Use it with a configuration's `clientCertificate`.
 *
 * @example
 * const config = await discovery({ issuer, clientId: 'reports', clientAuth: tlsClientAuth(), clientCertificate: { cert, key } })
 */
export function tlsClientAuth(): ClientAuth {
  return (context, body) => {
    body.set('client_id', context.clientId);
  };
}

/**
 * Checks a certificate option and returns a fetch that presents it on every connection; throws a `TypeError`
 * when the certificate, key or CAs cannot be used (at startup, not on the first request).
 */
export function certificateFetch(certificate: unknown): ProviderFetch {
  if (typeof certificate !== 'object' || certificate === null) {
    throw new TypeError('"clientCertificate" must be an object with "cert" and "key"');
  }
  const unknownKey = Object.keys(certificate).find((k) => !CERTIFICATE_KEYS.has(k));
  if (unknownKey !== undefined) throw new TypeError(`"clientCertificate.${unknownKey}" is not an option`);
  const { cert, key, ca } = certificate as ClientCertificate;
  try {
    createSecureContext({
      cert,
      key,
      ...(ca === undefined ? {} : { ca: ca as string | Buffer | (string | Buffer)[] }),
    });
  } catch {
    // The TLS library's message may quote the material: say only which option is wrong.
    throw new TypeError('"clientCertificate" must hold a PEM certificate, its matching private key and PEM CAs');
  }
  const connect = { cert, key, ...(ca === undefined ? {} : { ca: ca as string | Buffer | (string | Buffer)[] }) };
  // Node's own fetch cannot be given a certificate; undici (the library behind it) can. Loaded on first use, so
  // that clients without mTLS never load it.
  let client: Promise<{ dispatcher: Dispatcher; send: typeof import('undici').fetch }> | undefined;
  return async (url, init) => {
    client ??= import('undici').then(({ Agent, fetch }) => ({ dispatcher: new Agent({ connect }), send: fetch }));
    const { dispatcher, send } = await client;
    return send(url, { ...(init as Parameters<typeof send>[1]), dispatcher }) as unknown as Promise<Response>;
  };
}
