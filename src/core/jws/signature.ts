import { constants, KeyObject, verify as cryptoVerify, type VerifyKeyObjectInput } from 'node:crypto';
import type { ResolvedKey } from '../jwks/remote.js';

/**
 * The signature step of a JWS, through `node:crypto` directly. jose 6 imports and selects the keys
 * (its `CryptoKey`s are converted once to `KeyObject`s); its own `compactVerify` goes through WebCrypto,
 * which measured about 3× slower for the same RS256 check on Node 20, and this check runs
 * on every token not yet cached.
 */

const keyObjects = new WeakMap<object, KeyObject>();

function keyObject(key: ResolvedKey): KeyObject {
  if (key instanceof KeyObject) return key;
  let cached = keyObjects.get(key);
  if (cached === undefined) {
    cached = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    keyObjects.set(key, cached);
  }
  return cached;
}

const HASH: Readonly<Record<string, string>> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function verifyInput(alg: string, key: KeyObject): VerifyKeyObjectInput {
  switch (alg.slice(0, 2)) {
    case 'PS':
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    case 'ES':
      return { key, dsaEncoding: 'ieee-p1363' };
    default:
      return { key };
  }
}

/**
 * True when `signature` is a valid signature of `signingInput` (`<header>.<payload>` as sent) by `key`
 * under `alg`. The key must already fit `alg` (jose imported it for that algorithm). RSA keys shorter than
 * 2048 bits are refused (RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used"), and so is an RSA
 * signature that is not exactly as long as the modulus (RFC 8017 §8.1.2, §8.2.2): OpenSSL takes a PSS
 * signature with its leading zero byte dropped, which would give one token two spellings.
 */
export function verifySignature(alg: string, key: ResolvedKey, signingInput: string, signature: Buffer): boolean {
  const object = keyObject(key);
  if (object.asymmetricKeyType?.startsWith('rsa')) {
    const bits = object.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048 || signature.length !== Math.ceil(bits / 8)) return false;
  }
  const hash = alg === 'EdDSA' ? null : HASH[alg.slice(2)];
  if (hash === undefined) return false;
  try {
    return cryptoVerify(hash, Buffer.from(signingInput, 'latin1'), verifyInput(alg, object), signature);
  } catch {
    return false; // a signature of the wrong length for the curve, a key of the wrong type: not valid
  }
}
