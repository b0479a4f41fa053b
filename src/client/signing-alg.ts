/**
 * Which JWS algorithms a private key can sign with, for `private_key_jwt`. Checked once, when the strategy is
 * built, so that a key and algorithm that do not match fail at startup and not on the first token request.
 */
import { createPrivateKey, KeyObject } from 'node:crypto';
import type { JsonWebKey, webcrypto } from 'node:crypto';
import type { JWK } from 'jose';

/** A private key for `private_key_jwt`: a Node `KeyObject`, a Web Crypto `CryptoKey`, or a private JWK. */
export type PrivateKeyInput = KeyObject | webcrypto.CryptoKey | JWK;

const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ALGS_BY_KEY: Readonly<Record<string, readonly string[]>> = {
  rsa: RSA,
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  'ec:prime256v1': ['ES256'],
  'ec:secp384r1': ['ES384'],
  'ec:secp521r1': ['ES512'],
  ed25519: ['EdDSA', 'Ed25519'],
};

/** Converts any accepted key form to a private `KeyObject`, or throws a `TypeError` naming `"key"`. */
export function toPrivateKeyObject(key: PrivateKeyInput): KeyObject {
  let keyObject: KeyObject;
  try {
    if (key instanceof KeyObject) keyObject = key;
    else if (isCryptoKey(key)) keyObject = KeyObject.from(key);
    else keyObject = createPrivateKey({ key: key as JsonWebKey, format: 'jwk' });
  } catch {
    throw new TypeError('"key" must be a private key (KeyObject, CryptoKey or JWK)');
  }
  if (keyObject.type !== 'private') throw new TypeError('"key" must be a private key');
  return keyObject;
}

/**
 * Returns the algorithm to sign with: the one asked for if the key can use it, else the key's default
 * (RS256 for RSA, ES256/384/512 by curve, EdDSA for Ed25519).
 */
export function signingAlgFor(key: KeyObject, requested: string | undefined): string {
  const type = key.asymmetricKeyType ?? '';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const usable = ALGS_BY_KEY[type === 'ec' ? `ec:${curve ?? ''}` : type];
  if (usable === undefined) throw new TypeError(`"key" of type "${type}" is not supported`);
  if (requested === undefined) return usable[0] as string;
  if (!usable.includes(requested)) {
    throw new TypeError(`"alg" must be one of ${usable.join(', ')} for this key`);
  }
  return requested;
}

function isCryptoKey(key: unknown): key is webcrypto.CryptoKey {
  return Object.prototype.toString.call(key) === '[object CryptoKey]';
}
