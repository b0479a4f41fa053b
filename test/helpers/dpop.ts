/** DPoP proofs for tests: a client key pair and proofs (RFC 9449 §4.2) with any header or claim changed. */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { accessTokenHash } from '../../src/core/dpop/proof.js';

/** A DPoP client: its key pair, public JWK and thumbprint (the `cnf.jkt` of its tokens). */
export interface DpopClient {
  readonly jwk: JWK;
  readonly privateJwk: JWK;
  readonly jkt: string;
  readonly alg: string;
  /** A proof for `method` and `htu` bound to `token`; `claims` and `header` replace or add (`undefined` drops). */
  proof(
    method: string,
    htu: string,
    token: string | undefined,
    options?: { claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: CryptoKey },
  ): Promise<string>;
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

export async function dpopClient(alg = 'ES256'): Promise<DpopClient> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    jwk,
    privateJwk,
    jkt,
    alg,
    async proof(method, htu, token, options = {}) {
      const claims = withoutUndefined({
        jti: randomUUID(),
        htm: method,
        htu,
        iat: Math.floor(Date.now() / 1000),
        ...(token === undefined ? {} : { ath: accessTokenHash(token) }),
        ...options.claims,
      });
      const header = withoutUndefined({ alg, typ: 'dpop+jwt', jwk, ...options.header });
      return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(options.key ?? privateKey);
    },
  };
}
