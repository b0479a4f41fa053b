/**
 * npm run soak -- --minutes N [--concurrency C] [--max-requests M]
 *
 * Soak test of the demo server: builds it, starts a fake identity provider here and the server in
 * its own process (`node dist-demo/demo/server.js`, ISSUER_URL pointing at the provider), then sends a bounded
 * mix of valid and forged tokens on 127.0.0.1 while keys rotate and the JWKS endpoint goes down (500,
 * refused connections, hanging) and comes back. Stops by itself at N minutes or M requests.
 *
 * Prints requests, false accepts, valid tokens refused while their key was known, 5xx other than 503, JWKS
 * fetches, and the server's RSS at start and end. Exits 1 when any of the three counts that must be 0 is not.
 *
 * "Known": the server answered 200 to a token of that key before the request was sent, and the key was still
 * published when the answer came (a key the provider removed may rightly be forgotten).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { createFakeKey, startFakeProvider, type FakeKey, type OutageMode } from '../src/testing/index.js';
import { signHmac, signJson } from '../test/security/forge.js';
import { freePort } from './keycloak/ports.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    'max-requests': { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const concurrency = Number(values.concurrency);
if (!(minutes > 0) || !(concurrency >= 1 && concurrency <= 256)) {
  console.error('soak: --minutes must be positive and --concurrency between 1 and 256');
  process.exit(2);
}
const maxRequests =
  values['max-requests'] !== undefined ? Number(values['max-requests']) : Math.ceil(minutes * 60 * 5_000);
const CYCLE_MS = 60_000; // each minute: rotate at 0 s, outage from 20 s to 35 s, a rotation inside every other outage at 25 s
const OUTAGES: OutageMode[] = ['error', 'refuse', 'hang'];

// ---- the provider and the server ------------------------------------------------------------------------

console.log('soak: building the demo server (npm run build:demo)');
execFileSync('npm', ['run', 'build:demo', '--silent'], { stdio: 'inherit' });
const idp = await startFakeProvider();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['dist-demo/demo/server.js'], {
  env: { ...process.env, ISSUER_URL: idp.issuer, HOST: '127.0.0.1', PORT: String(port) },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverLog = '';
server.stdout.on('data', (c: Buffer) => (serverLog += c.toString()));
server.stderr.on('data', (c: Buffer) => (serverLog += c.toString()));
await new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${serverLog}`)), 20_000);
  server.stdout.on('data', () => {
    if (serverLog.includes('listening on')) {
      clearTimeout(timer);
      resolve();
    }
  });
  server.once('exit', (code) => reject(new Error(`the demo server exited with ${code}:\n${serverLog}`)));
});

function rssMiB(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

// ---- keys, tokens and what the server is known to hold --------------------------------------------------

const published: FakeKey[] = [idp.currentKey];
const knownSince = new Map<string, number>(); // kid → when the server first accepted a token of it
const unpublishedAt = new Map<string, number>();
const pools = new Map<string, string[]>(); // kid → reusable valid tokens (verified-token cache hits)
const attacker = await createFakeKey('RS256');

async function refillPool(key: FakeKey): Promise<void> {
  pools.set(key.kid, await Promise.all(Array.from({ length: 20 }, () => idp.mint({}, { key }))));
}

async function rotate(): Promise<void> {
  const key = await idp.rotate();
  await refillPool(key); // before it is picked: a shot of a published key always has a token
  published.push(key);
  while (published.length > 2) {
    const old = published.shift()!;
    unpublishedAt.set(old.kid, Date.now()); // before the provider stops publishing it: no request is blamed for it
    pools.delete(old.kid);
    idp.unpublish(old.kid);
  }
}

type Kind = 'valid-cached' | 'valid-fresh' | 'forged';
interface Shot {
  readonly kind: Kind;
  readonly label: string;
  readonly route: string;
  readonly token: string;
  readonly kid?: string;
}

const claimsNow = (overrides: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: idp.issuer,
    aud: 'test-api',
    sub: 'soak',
    typ: 'Bearer',
    azp: 'test_api_client',
    scope: 'profile email',
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...overrides,
  };
};

const FORGERIES: Array<[string, string, () => Promise<string> | string]> = [
  [
    'attacker key, current kid',
    '/api/private',
    () => signJson(attacker, { alg: 'RS256', typ: 'JWT', kid: idp.currentKey.kid }, claimsNow()),
  ],
  [
    'attacker key, unknown kid',
    '/api/private',
    () => signJson(attacker, { alg: 'RS256', typ: 'JWT', kid: attacker.kid }, claimsNow()),
  ],
  [
    'alg none',
    '/api/private',
    () =>
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claimsNow())).toString('base64url')}.AA`,
  ],
  [
    'HS256 with the public JWK',
    '/api/private',
    () => signHmac('HS256', { kid: idp.currentKey.kid }, claimsNow(), JSON.stringify(idp.currentKey.jwk)),
  ],
  [
    'admin role added to a valid token',
    '/api/admin',
    async () => {
      const [h, , s] = (await idp.mint()).split('.');
      return `${h}.${Buffer.from(JSON.stringify(claimsNow({ realm_access: { roles: ['admin'] } }))).toString('base64url')}.${s}`;
    },
  ],
  ['expired, signed by the provider', '/api/private', () => idp.mint({ exp: Math.floor(Date.now() / 1000) - 120 })],
  ['wrong audience, signed by the provider', '/api/private', () => idp.mint({ aud: 'account' })],
  ['ID token, signed by the provider', '/api/private', () => idp.mint({ typ: 'ID' })],
  [
    'signature of another token',
    '/api/private',
    async () =>
      `${(await idp.mint({ sub: 'a' })).split('.').slice(0, 2).join('.')}.${(await idp.mint()).split('.')[2]}`,
  ],
  ['garbage', '/api/private', () => randomUUID()],
];

let shotNumber = 0;
async function nextShot(): Promise<Shot> {
  const n = shotNumber++;
  const key = published.at(-1 - (n % published.length))!; // both published keys
  if (n % 10 < 5) {
    const pool = pools.get(key.kid) ?? [];
    return {
      kind: 'valid-cached',
      label: 'valid (cached)',
      route: n % 20 === 0 ? '/api/me' : '/api/private',
      token: pool[n % Math.max(1, pool.length)]!,
      kid: key.kid,
    };
  }
  if (n % 10 < 6)
    return {
      kind: 'valid-fresh',
      label: 'valid (fresh)',
      route: '/api/private',
      token: await idp.mint({}, { key }),
      kid: key.kid,
    };
  const [label, route, make] = FORGERIES[n % FORGERIES.length]!;
  return { kind: 'forged', label, route, token: await make() };
}

// ---- traffic ----------------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function call(route: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${base}${route}`,
      { agent, headers: { authorization: `Bearer ${token}` }, timeout: 20_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(-1));
    req.end();
  });
}

const stats = {
  requests: 0,
  byStatus: new Map<string, number>(),
  falseAccepts: 0,
  falseAcceptLabels: new Map<string, number>(),
  validRefusedWhileKnown: 0,
  validRefusedUnknownKey: 0,
  other5xx: 0,
  transportErrors: 0,
};
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

await refillPool(idp.currentKey);
const started = Date.now();
const deadline = started + minutes * 60_000;
const rssStart = rssMiB();
const rssSamples: number[] = [rssStart];
const jwksAtStart = idp.requests.jwks;
let outageMode: OutageMode | undefined;
let cycle = 0;

const timers: NodeJS.Timeout[] = [];
function every(ms: number, offset: number, run: () => void | Promise<void>): void {
  timers.push(
    setTimeout(() => {
      void run();
      timers.push(setInterval(() => void run(), ms));
    }, offset),
  );
}
every(CYCLE_MS, CYCLE_MS, async () => {
  cycle++;
  await rotate();
});
every(CYCLE_MS, 20_000, () => {
  outageMode = OUTAGES[cycle % OUTAGES.length]!;
  idp.setOutage(outageMode);
});
every(CYCLE_MS * 2, 25_000, async () => {
  await rotate(); // a new key the server cannot fetch yet
});
every(CYCLE_MS, 35_000, () => {
  outageMode = undefined;
  idp.setOutage(undefined);
});
every(30_000, 30_000, () => {
  for (const key of published) void refillPool(key); // keep pooled tokens far from expiry
  rssSamples.push(rssMiB());
});
every(60_000, 60_000, () => {
  console.log(
    `soak: ${((Date.now() - started) / 1000).toFixed(0)} s, ${stats.requests} requests, false accepts ${stats.falseAccepts}, valid refused while known ${stats.validRefusedWhileKnown}, other 5xx ${stats.other5xx}, RSS ${rssMiB().toFixed(1)} MiB`,
  );
});

async function worker(): Promise<void> {
  while (Date.now() < deadline && stats.requests < maxRequests) {
    stats.requests++;
    const shot = await nextShot();
    const sentAt = Date.now();
    const knownBefore = shot.kid !== undefined && (knownSince.get(shot.kid) ?? Infinity) < sentAt;
    const status = await call(shot.route, shot.token);
    count(stats.byStatus, String(status));
    if (status === -1) stats.transportErrors++;
    if (status >= 500 && status !== 503) stats.other5xx++;
    if (shot.kind === 'forged') {
      if (status >= 200 && status < 300) {
        stats.falseAccepts++;
        count(stats.falseAcceptLabels, shot.label);
      }
      continue;
    }
    if (status === 200) {
      if (!knownSince.has(shot.kid!)) knownSince.set(shot.kid!, Date.now());
      continue;
    }
    const removed = unpublishedAt.get(shot.kid!);
    if (knownBefore && removed === undefined) {
      stats.validRefusedWhileKnown++;
      if (stats.validRefusedWhileKnown <= 5)
        console.error(`soak: valid token of known key ${shot.kid} got ${status} (outage ${outageMode ?? 'none'})`);
    } else if (!knownBefore) stats.validRefusedUnknownKey++;
  }
}

await Promise.all(Array.from({ length: concurrency }, () => worker()));
for (const timer of timers) clearInterval(timer);
const elapsed = (Date.now() - started) / 1000;
const rssEnd = rssMiB();
rssSamples.push(rssEnd);
idp.setOutage(undefined);
agent.destroy();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
const jwksFetches = idp.requests.jwks - jwksAtStart;
await idp.close();

console.log(`
soak: ${elapsed.toFixed(0)} s, ${cycle} rotation cycles, concurrency ${concurrency}
  requests                              ${stats.requests} (${(stats.requests / elapsed).toFixed(0)}/s)
  false accepts (must be 0)             ${stats.falseAccepts}${stats.falseAccepts ? ` ${JSON.stringify(Object.fromEntries(stats.falseAcceptLabels))}` : ''}
  valid refused while key known (0)     ${stats.validRefusedWhileKnown}
  5xx other than 503 (must be 0)        ${stats.other5xx}
  valid refused, key not yet known      ${stats.validRefusedUnknownKey} (a new key during an outage or a kid cooldown: 503 or 401, expected)
  transport errors                      ${stats.transportErrors}
  JWKS fetches                          ${jwksFetches} (discovery ${idp.requests.discovery})
  statuses                              ${JSON.stringify(Object.fromEntries([...stats.byStatus].sort()))}
  server RSS start / end                ${rssStart.toFixed(1)} MiB / ${rssEnd.toFixed(1)} MiB (after the first minute, once the verified-token cache is full: ${(rssSamples[2] ?? rssEnd).toFixed(1)} MiB; max ${Math.max(...rssSamples).toFixed(1)})
  RSS samples (MiB, every 30 s)         ${rssSamples.map((r) => r.toFixed(0)).join(' ')}`);
process.exit(stats.falseAccepts === 0 && stats.validRefusedWhileKnown === 0 && stats.other5xx === 0 ? 0 : 1);
