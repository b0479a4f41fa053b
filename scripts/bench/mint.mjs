// Mints Keycloak-shaped RS256 access tokens with node:crypto `sign()` on a KeyObject (about 0.4 ms each on
// a 2048-bit key), one per line into a file. The driver runs two of these, one per core, before any server
// starts. Every token carries its own `jti` and `sub` (a prefix plus a counter), so no two are alike.
//
//   node scripts/bench/mint.mjs <job.json>
//   job: { pem, kid, issuer, audience, clientId, count, prefix, expiresIn, file }
// Prints `MINTED <count>` when done. Exits when its stdin closes (the driver went away).
import { createPrivateKey, sign } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const key = createPrivateKey(job.pem);
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'RS256', typ: 'JWT', kid: job.kid });
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
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
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
