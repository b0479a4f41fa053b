/**
 * Test vectors copied from Wycheproof (C2SP/wycheproof, testvectors_v1 at commit
 * dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166; public test data): only the few this suite needs, each with the file
 * and test case (tcId) it comes from. The JWKs are public keys; the signatures were made by their owners, or
 * forged where the vector says so.
 */
import type { JWK } from 'jose';

/** A signature of `message` by the key `jwk`. */
export interface SignatureVector {
  readonly jwk: JWK;
  readonly message: Buffer;
  readonly signature: Buffer;
}

/** An RSA key with the ROCA fingerprint (CVE-2017-15361): json_web_key_test.json, tcId 7. */
export const ROCA_JWK: JWK = {
  alg: 'RS256',
  use: 'sig',
  n: 'AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE',
  e: 'AQAB',
  kid: 'kid-rsa-roca-sign',
  kty: 'RSA',
};

/** A 1024-bit RSA key: json_web_key_test.json, tcId 8. */
export const RSA_1024_JWK: JWK = {
  kty: 'RSA',
  use: 'sig',
  alg: 'RS256',
  n: 'rJBIp6T1YK-RtPyvYqFFlcucqewSAA_IReSFchE8qyiQrbARqRlXWkB2DR8j_pJQnIpYELbQWZC5Cd0PTGAU8rMbar2AW6zpmBbi7aQf17lUBdt8XI9M9rq7FPVQ1dDdUXm1SVH_9qqWhvMPR422SbfHBEzCAtzK0ANDRo6qz78',
  e: 'AQAB',
  kid: 'RS256_1024',
};

/** An RSA key with public exponent 1, under which anyone can forge: json_web_key_test.json, tcId 9. */
export const EXPONENT_ONE_JWK: JWK = {
  kty: 'RSA',
  use: 'sig',
  alg: 'RS256',
  n: 'u-SfdHPjFtGmzuoH6gheIIZ4nLwUHBQEtFGqOe0N8JuZUc5VOzlI8yl0r8ESilAouttkdftexj4VFJz5R9FH90ypVQDPL0H4mC_RtkcJ1DBB8MriU8dmzqSXP1SBs4s5L-pJWxKKLjXddD6gXJZ7HT_aPl2olvlLh8JkD_52U6sjdeP3OWDKvMu5GsrMlS9XJCVaCx8r9698OEElwK-ZW9PztgTSb-MvyTuyzis5Yc13n_z0wMLahpDilI2fzNsZ3yH6htu4VXPraSEZV6C0Z7epAAAUqiUnxh3WRupEICaewYEnW3MVS2hHwLwtPu_RR0XHoZr1oPSlQMP3Zi2QKw',
  e: 'AQ',
  kid: 'RS256_2048',
};

/** A P-256 key whose point is not on the curve (y modified): json_web_key_test.json, tcId 22. */
export const OFF_CURVE_JWK: JWK = {
  alg: 'ES256',
  use: 'sig',
  x: '04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY',
  y: 'UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgnw',
  crv: 'P-256',
  kid: 'kid-ec-sign',
  kty: 'EC',
};

/** A P-256 key's coordinates published as P-384: json_web_key_test.json, tcId 23. */
export const WRONG_CURVE_JWK: JWK = {
  alg: 'ES256',
  use: 'sig',
  x: '04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY',
  y: 'UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw',
  crv: 'P-384',
  kid: 'kid-ec-sign',
  kty: 'EC',
};

/** A signature forged under {@link EXPONENT_ONE_JWK}: json_web_key_test.json, tcId 9. */
export const EXPONENT_ONE_FORGED_JWS =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IlJTMjU2XzIwNDgifQ..AAH_____________________________________________________________________________________________________________________________________________________________________________________________________________________________________________________________________________ADAxMA0GCWCGSAFlAwQCAQUABCC2RQuThyxZrC1hF3430kwQRUtpKnK2r9hhkP2mQe8zsg';

/**
 * A valid PS384 signature (MGF1 SHA-384, 48-byte salt) whose first byte is zero:
 * rsa_pss_2048_sha384_mgf1_48_test.json, tcId 64.
 */
export const PS384_LEADING_ZERO: SignatureVector = {
  jwk: {
    kty: 'RSA',
    alg: 'PS384',
    n: 'zab6XKdr_gSS7Ffgo7__cnLcjR4lrR-zOKoFDwLBBOYxM9a1t8SYXruumsA2pbnAMHTWCuyOJbrzkqDEMP8FuI6UiAXT3XRRHYiFJQp7V0IVraAVxVkHZobiU8zJbAgVsSke54fMM2O0932TDrmY18WCskzqnOId6XInkZiYY6J-vICgDeW9L5Iod15aTOsFTVjJvjagVDNpcaE2Qt2VEN1paqJo2zqrIpnV2I-OViQ00UJwlNPfjnLR72m07TTRK6w3UiOyolzyJ_c1-BboXhcjkwR2mmCCFUzRWJn8Hq77abdIo-XtJNODcll94-TionuVHWrH2xgtaAnY_1Ebfw',
    e: 'AQAB',
    kid: 'none',
  },
  message: Buffer.from('313536373137373339', 'hex'),
  signature: Buffer.from(
    '0077fd27ad9651f0ed72e1c3b8f066c0aa385be79aed4eeed255bdadc04d9dc992fb222f19a5e7aa2cd12114ebed153bfe6efd22e55682ca19959aa9072451b8e84a18bbfab153768abf69e41ab2f4dedbafc6af0c56c72f718170758fef3574ec926b1a86cb30657b8b78d2dfed5c6d3769d65ccb40750ae18fe4c29ed130569fa514cc4f35d39210f0e319edb5bf902f5d91b7ea73da72d840d0b26305dc8a4e61e49893bb18d2c70faf702a311dfa44743e87c76054f397f377c31eb76b944104a3960183a1571dc547ff896de13ba02ec917a17bb9c9776cd7856e960c9a8e74ae9fdd9de42347c39407ba5bf914fabf07edb7446072693c18bf07c88f4e',
    'hex',
  ),
};

/**
 * A valid RS256 signature under a key with public exponent 3, its value so small that it starts with many zero
 * bytes: rsa_signature_2048_sha256_test.json, tcId 258.
 */
export const RS256_EXPONENT_THREE: SignatureVector = {
  jwk: {
    alg: 'RS256',
    e: 'Aw',
    kid: 'none',
    kty: 'RSA',
    n: 'kKXXq6LI3IKOYW_B_EXHxSEwyFidy-KRPaGHVy9sIyF7iaUYa2-Qy-BTq_sIhakfFB2-EGzmrTA5BKWUHfJs7RBHjLVqe9bPExPElm2c98RQnZ3GNWaqMj4RCvIZ8zmMBOebtIbehwN5NHMTb1yQUa8kvSwCCOob-TIaPo8krwCqyhIWhC6rJI1Yz0aseGxJ_TyoVX6bU5k6S5cYzcXEdL8c_ljAetl7LFrLfYaszA_HvtFHrbLne4aX2AFQlIEXcUuAb_dvnYgUfYTpOYe3JL9IcEKehaentRSGp42KiPFoj2DiFdQ9BiIeK5k7XBKmB7gOngEiRysplF92tVc3wQ',
  },
  message: Buffer.from('33363730', 'hex'),
  signature: Buffer.from(
    '00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000989e7ff72e67e680bd21d5f966e4ad8a48c3592dbacc4a2f035b4ef4d17a2f25f8a9fef7e78eb99d76d68629ed02d67c43c4b7ec8c3badc32e3d0a524c326537739b0fde156723b27c23ae2b09895e470c64d700f5c',
    'hex',
  ),
};
