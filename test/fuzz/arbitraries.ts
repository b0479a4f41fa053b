/**
 * What the fuzzer feeds the harness (fast-check arbitraries): random text, mutations of valid tokens, tokens
 * built from random headers and claims and signed every way an attacker could (the provider's keys, an
 * outsider's key under the provider's kid, HMAC with the public key, no signature), and random requests for
 * the `Authorization` parser.
 */
import fc from 'fast-check';
import { b64u, partsOf, signHmac, signText, type SigningKey } from '../security/forge.js';
import { AUDIENCE, ISSUER, NOW, OUTSIDER, PROVIDER_EC, PROVIDER_RSA, type HeaderInput } from './harness.js';

const B64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
const ODD = ['.', '=', '+', '/', ' ', '\t', '%', '"', '\u0000', 'é', '\u2024', '\ufeff', '{', '}'];
const TOKEN_CHAR = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...B64URL) },
  { weight: 1, arbitrary: fc.constant('.') },
  { weight: 1, arbitrary: fc.constantFrom(...ODD) },
);

/** The claims of a valid access token at the harness's clock. */
export function validClaims(): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    typ: 'Bearer',
    azp: 'test_api_client',
    scope: 'profile test_api_access',
    iat: NOW - 10,
    exp: NOW + 300,
    jti: 'jti-1',
  };
}

const sign = (key: SigningKey & { kid?: string }, header: Record<string, unknown>, payload: Record<string, unknown>) =>
  signText(key, JSON.stringify(header), JSON.stringify(payload));

/** Valid tokens, the seeds of mutation. */
export const SEEDS: readonly string[] = [
  sign(PROVIDER_RSA, { alg: 'RS256', typ: 'JWT', kid: PROVIDER_RSA.kid }, validClaims()),
  sign(PROVIDER_EC, { alg: 'ES256', typ: 'JWT', kid: PROVIDER_EC.kid }, validClaims()),
  sign(PROVIDER_RSA, { alg: 'RS256' }, { ...validClaims(), aud: ['account', AUDIENCE], typ: undefined }),
  sign(
    PROVIDER_EC,
    { alg: 'ES256', typ: 'at+jwt', kid: PROVIDER_EC.kid },
    { ...validClaims(), scope: ['a', 'b'], nbf: NOW - 5 },
  ),
];

// ---- mutations of valid tokens --------------------------------------------------------------------------

type Mutation =
  | { readonly kind: 'replace' | 'insert'; readonly at: number; readonly char: string }
  | { readonly kind: 'delete' | 'truncate'; readonly at: number }
  | {
      readonly kind: 'flip-bit' | 'duplicate-part' | 'swap-parts' | 'graft';
      readonly part: number;
      readonly at: number;
    }
  | { readonly kind: 'respell-last' };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('replace' as const, 'insert' as const), at: fc.nat(), char: TOKEN_CHAR }),
  fc.record({ kind: fc.constantFrom('delete' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constantFrom('flip-bit' as const, 'duplicate-part' as const, 'swap-parts' as const, 'graft' as const),
    part: fc.nat(2),
    at: fc.nat(),
  }),
  fc.constant({ kind: 'respell-last' as const }),
);

function mutate(token: string, m: Mutation, donor: string): string {
  const at = 'at' in m ? m.at % (token.length + 1) : 0;
  const parts = token.split('.');
  switch (m.kind) {
    case 'replace':
      return token.slice(0, at) + m.char + token.slice(at + 1);
    case 'insert':
      return token.slice(0, at) + m.char + token.slice(at);
    case 'delete':
      return token.slice(0, at) + token.slice(at + 1);
    case 'truncate':
      return token.slice(0, at);
    case 'flip-bit': {
      const bytes = Buffer.from(parts[m.part] ?? '', 'base64url');
      if (bytes.length === 0) return token;
      const bit = m.at % (bytes.length * 8);
      bytes[bit >> 3] = bytes[bit >> 3]! ^ (1 << (bit & 7));
      parts[m.part] = bytes.toString('base64url');
      return parts.join('.');
    }
    case 'duplicate-part':
      parts.splice(m.part, 0, parts[m.part] ?? '');
      return parts.join('.');
    case 'swap-parts': {
      const other = (m.part + 1 + (m.at % 2)) % 3;
      [parts[m.part], parts[other]] = [parts[other] ?? '', parts[m.part] ?? ''];
      return parts.join('.');
    }
    case 'graft':
      parts[m.part] = partsOf(donor)[m.part];
      return parts.join('.');
    case 'respell-last': {
      const last = token.at(-1) ?? 'A';
      const i = B64URL.indexOf(last);
      return i === -1 ? token : token.slice(0, -1) + B64URL[i ^ 1];
    }
  }
}

/** A valid token with one to five mutations. */
export const mutatedTokenArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...SEEDS), fc.constantFrom(...SEEDS), fc.array(mutationArb, { minLength: 1, maxLength: 5 }))
  .map(([seed, donor, mutations]) => mutations.reduce((t, m) => mutate(t, m, donor), seed));

/** Random text over the token alphabet and the characters that break parsers. */
export const textTokenArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: TOKEN_CHAR, maxLength: 400 }),
  fc
    .array(fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 120 }), { minLength: 1, maxLength: 6 })
    .map((p) => p.join('.')),
  fc.string({ maxLength: 200 }),
);

// ---- tokens built from random headers and claims --------------------------------------------------------

const numberish = fc.oneof(
  fc.constantFrom(
    NOW,
    NOW - 29,
    NOW + 29,
    NOW - 31,
    NOW + 31,
    NOW + 300,
    NOW - 300,
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const HEADER_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  alg: fc.oneof(
    fc.constantFrom(
      'RS256',
      'ES256',
      'PS256',
      'RS512',
      'EdDSA',
      'none',
      'None',
      'NONE',
      'HS256',
      'RSA-OAEP',
      'dir',
      'rs256',
    ),
    anyJson,
  ),
  kid: fc.oneof(
    fc.constantFrom(PROVIDER_RSA.kid, PROVIDER_EC.kid, 'unknown', '../../dev/null', "' OR 1=1 --", ''),
    anyJson,
  ),
  typ: fc.oneof(
    fc.constantFrom('JWT', 'jwt', 'at+jwt', 'application/at+JWT', 'JWE', 'dpop+jwt', 'secevent+jwt'),
    anyJson,
  ),
  crit: fc.oneof(fc.constant([]), fc.constant(['b64']), anyJson),
  b64: fc.boolean(),
  jku: fc.constantFrom('http://127.0.0.1:1/jwks.json', 'https://attacker.invalid/jwks'),
  jwk: fc.constant(OUTSIDER.jwk),
  x5u: fc.constant('http://127.0.0.1:1/cert.pem'),
  cty: fc.constantFrom('JWT', 'json'),
  // computed keys: a literal `__proto__:` would set the prototype instead of naming a member
  ['__proto__']: fc.constant(JSON.parse(`{"alg":"RS256","kid":"${PROVIDER_RSA.kid}","crit":["x"]}`)),
};
const CLAIM_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  iss: fc.oneof(
    fc.constantFrom(ISSUER, `${ISSUER}/`, ISSUER.toUpperCase(), ISSUER.replace('myorg', 'other'), ` ${ISSUER}`),
    anyJson,
  ),
  aud: fc.oneof(
    fc.constantFrom(AUDIENCE, [AUDIENCE], ['account'], [], 'TEST-API', [AUDIENCE, 1], `${AUDIENCE} account`),
    anyJson,
  ),
  exp: fc.oneof(numberish, anyJson),
  nbf: fc.oneof(numberish, anyJson),
  iat: fc.oneof(numberish, anyJson),
  typ: fc.oneof(fc.constantFrom('Bearer', 'ID', 'Refresh', 'Logout', 'bearer'), anyJson),
  scope: fc.oneof(fc.constantFrom('test_api_access', ['test_api_access'], ''), anyJson),
  scp: anyJson,
  azp: anyJson,
  client_id: anyJson,
  realm_access: fc.oneof(fc.constant({ roles: ['admin'] }), anyJson),
  resource_access: fc.oneof(fc.constant(JSON.parse('{"__proto__":{"roles":["admin"]}}')), anyJson),
  sub: anyJson,
  jti: anyJson,
  ['__proto__']: fc.constant({ scope: 'test_api_access', realm_access: { roles: ['admin'] } }),
  constructor: fc.constant({ prototype: { polluted: true } }),
};

/** A member set, replaced or dropped (`undefined`): `[name, value]`. */
const edits = (values: Record<string, fc.Arbitrary<unknown>>) =>
  fc.array(
    fc.oneof(
      fc
        .constantFrom(...Object.keys(values))
        .chain((name) => fc.tuple(fc.constant(name), fc.option(values[name]!, { nil: undefined }))),
      fc.tuple(fc.string({ maxLength: 8 }), anyJson),
    ),
    { maxLength: 4 },
  );

/** Applies edits as text, so that `__proto__` stays a plain member; `duplicate` writes a member twice (first value first). */
function jsonText(
  base: Record<string, unknown>,
  changes: ReadonlyArray<readonly [string, unknown]>,
  duplicate: readonly [string, unknown] | null,
): string {
  const members = new Map(Object.entries(base));
  for (const [name, value] of changes) {
    if (value === undefined) members.delete(name);
    else members.set(name, value);
  }
  const body = [...members].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`);
  if (duplicate) body.unshift(`${JSON.stringify(duplicate[0])}:${JSON.stringify(duplicate[1]) ?? 'null'}`);
  return `{${body.join(',')}}`;
}

type Signer = 'provider-rsa' | 'provider-ec' | 'outsider' | 'hmac-public-key' | 'bogus' | 'empty';

/** A token from an edited header and payload, signed by one of the ways an attacker (or the provider) could. */
export const builtTokenArb: fc.Arbitrary<string> = fc
  .record({
    signer: fc.constantFrom<Signer>(
      'provider-rsa',
      'provider-rsa',
      'provider-ec',
      'outsider',
      'hmac-public-key',
      'bogus',
      'empty',
    ),
    header: edits(HEADER_VALUES),
    payload: edits(CLAIM_VALUES),
    duplicate: fc.option(
      fc.oneof(fc.constantFrom(...Object.keys(CLAIM_VALUES)).chain((n) => fc.tuple(fc.constant(n), CLAIM_VALUES[n]!))),
    ),
  })
  .map(({ signer, header, payload, duplicate }) => {
    const key = signer === 'provider-ec' ? PROVIDER_EC : signer === 'outsider' ? OUTSIDER : PROVIDER_RSA;
    const headerText = jsonText({ alg: key.alg, typ: 'JWT', kid: key.kid }, header, null);
    const payloadText = jsonText(validClaims(), payload, duplicate);
    switch (signer) {
      case 'hmac-public-key':
        return signHmac(
          'HS256',
          JSON.parse(headerText) as Record<string, unknown>,
          JSON.parse(payloadText),
          JSON.stringify(PROVIDER_RSA.jwk),
        );
      case 'bogus':
        return `${b64u(headerText)}.${b64u(payloadText)}.${b64u('not a signature')}`;
      case 'empty':
        return `${b64u(headerText)}.${b64u(payloadText)}.`;
      default:
        return signText(key, headerText, payloadText);
    }
  });

/** Every kind of token input, weighted towards the structured ones that reach the deepest checks. */
export const tokenArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: textTokenArb },
  { weight: 3, arbitrary: mutatedTokenArb },
  { weight: 5, arbitrary: builtTokenArb },
);

// ---- requests for the Authorization parser ---------------------------------------------------------------

const ws = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });
const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'JWT', 'Bearer:', 'Token', 'Bearer,', '');
const credential = fc.oneof(fc.constantFrom(...SEEDS), fc.string({ unit: TOKEN_CHAR, maxLength: 40 }), fc.constant(''));
const authorizationValue = fc.oneof(
  fc.tuple(ws, scheme, ws, credential, ws).map((p) => p.join('')),
  fc.string({ maxLength: 60 }),
);
const headerPair = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(
      fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn'),
      authorizationValue,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom('Content-Type', 'Proxy-Authorization', 'X-Forwarded-Authorization'),
      fc.oneof(
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'Application/X-WWW-Form-Urlencoded; charset=utf-8',
          'application/json',
        ),
        fc.string({ maxLength: 40 }),
      ),
    ),
  },
);
const query = fc.array(
  fc.tuple(
    fc.constantFrom('access_token', 'Access_Token', 'access_token[]', 'x'),
    fc.oneof(credential, fc.string({ maxLength: 20 })),
  ),
  { maxLength: 3 },
);

/** A request as Node would hand it over (plus bodies a form parser could have produced). */
export const headerInputArb: fc.Arbitrary<HeaderInput> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'get'),
  url: fc
    .tuple(fc.constantFrom('/api', '/api?', '/api?y=1&'), query, fc.boolean())
    .map(([path, params, encode]) =>
      params.length === 0
        ? path
        : `${path}${path.includes('?') ? '' : '?'}${params.map(([k, v]) => `${k}=${encode ? encodeURIComponent(v) : v}`).join('&')}`,
    ),
  rawHeaders: fc.array(headerPair, { maxLength: 4 }).map((pairs) => pairs.flat()),
  body: fc.option(
    fc.oneof(
      fc.record({ access_token: fc.oneof(credential, fc.integer(), fc.constant(null), fc.array(fc.string())) }),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })),
    ),
    { nil: undefined },
  ),
  sources: fc.record({ query: fc.boolean(), body: fc.boolean() }),
});
