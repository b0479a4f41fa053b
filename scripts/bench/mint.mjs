// Mints Keycloak-shaped access tokens with node:crypto `sign()` on a KeyObject (RS256 about 0.4 ms each on a
// 2048-bit key; ES256 and EdDSA far less), one per line into a file. The driver runs two of these, one per
// core, before any server starts. Every token carries its own `jti` and `sub` (a prefix plus a counter), so no
// two are alike.
//
//   node scripts/bench/mint.mjs <job.json>
//   job: { alg, pem, kid, issuer, audience, clientId, count, prefix, expiresIn, file }
// Prints `MINTED <count>` when done. Exits when its stdin closes (the driver went away).
import { createPrivateKey, sign } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// node:crypto's digest and key options per JWS algorithm: JWS wants ECDSA signatures as r || s (IEEE P1363),
// not DER, and Ed25519 takes no digest.
const SIGNING = {
  RS256: { digest: 'sha256', options: {} },
  ES256: { digest: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  EdDSA: { digest: null, options: {} },
};
const signing = SIGNING[job.alg];
if (!signing) throw new Error(`mint.mjs: unsupported alg ${job.alg}`);
const key = { key: createPrivateKey(job.pem), ...signing.options };
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64({ alg: job.alg, typ: 'JWT', kid: job.kid });
const iat = Math.floor(Date.now() / 1000);

process.stdin.on('end', () => process.exit(1));
process.stdin.on('error', () => process.exit(1));
process.stdin.resume();

function tokenAt(i) {
  const id = `${job.prefix}-${i}`;
  const payload = b64({
    exp: iat + job.expiresIn,
    iat,
    jti: `bench-${id}`,
    iss: job.issuer,
    aud: job.audience,
    sub: `bench-user-${id}`,
    typ: 'Bearer',
    azp: job.clientId,
    scope: 'profile email',
    realm_access: { roles: ['default-roles-myorg'] },
    resource_access: { account: { roles: ['view-profile'] } },
    preferred_username: `service-account-${job.clientId}`,
  });
  const input = `${header}.${payload}`;
  return `${input}.${sign(signing.digest, Buffer.from(input), key).toString('base64url')}`;
}

const out = createWriteStream(job.file);
const CHUNK = 500;
let next = 0;
function writeSome() {
  while (next < job.count) {
    const lines = [];
    const end = Math.min(job.count, next + CHUNK);
    for (; next < end; next++) lines.push(tokenAt(next));
    if (!out.write(`${lines.join('\n')}\n`)) return void out.once('drain', writeSome);
  }
  out.end(() => {
    process.stdout.write(`MINTED ${job.count}\n`);
    process.exit(0);
  });
}
writeSome();
