// The server under test: one plain-node process running the built package (dist/), pinned to one core by
// the driver (run.ts). It must not run under tsx, so the numbers are those of production code.
//
//   BENCH_MODE=none|ours|peer|limit|noop-sync|noop-async  BENCH_ISSUER=<issuer URL>  BENCH_AUDIENCE=<aud>  [BENCH_OURS_OPTIONS=<json>]
//   node scripts/bench/server.mjs
//
// Every mode serves the same route, GET /api/data, with the same handler; only the guard in front of it
// differs. GET /__bench/stats (never measured) answers this process's memory and GC counts, POST
// /__bench/gc runs a full GC first when node was started with --expose-gc. The process prints one line `BENCH_READY <json>` on
// stdout once it listens (and, for "ours", once the issuer's keys are fetched) and exits when its stdin
// closes, so it never outlives the driver.
import { createPublicKey, verify } from 'node:crypto';
import { constants as perf, PerformanceObserver } from 'node:perf_hooks';
import express from 'express';
import { auth as peerAuth } from 'express-oauth2-jwt-bearer';
import { createAuth } from '../../dist/index.js';

const mode = process.env.BENCH_MODE ?? 'none';
const issuer = process.env.BENCH_ISSUER;
const audience = process.env.BENCH_AUDIENCE ?? 'test-api';
// Extra createAuth options for experiments (`--ours-options '{"cache":{"maxEntries":0}}'`); JSON only.
const oursOptions = JSON.parse(process.env.BENCH_OURS_OPTIONS || '{}');

function guardFor(name) {
  if (name === 'none' || name === 'limit' || name.startsWith('noop-')) return undefined;
  if (!issuer) throw new Error('BENCH_ISSUER is required for a guarded mode');
  if (name === 'ours') return createAuth({ issuer, audience, ...oursOptions });
  if (name === 'peer') return peerAuth({ issuerBaseURL: issuer, audience });
  throw new Error(`unknown BENCH_MODE "${name}"`);
}

const guard = guardFor(mode);
if (mode === 'ours') await guard.ready(); // fetch the JWKS before announcing readiness

// node:crypto's digest and key options per JWS algorithm (ECDSA signatures are r || s in a JWS, not DER).
const VERIFYING = {
  RS256: { digest: 'sha256', options: {} },
  ES256: { digest: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  EdDSA: { digest: null, options: {} },
};

/**
 * The cold-path limit (`limit`): what any guard must do for a token it has never seen, and nothing more, all
 * synchronous: take the header, split the token, one node:crypto signature check with a key imported before
 * the first request (the issuer's signing key, fetched once at start-up), parse the payload, compare `iss`,
 * `exp` and one scope. No cache, no key selection, no error objects: a guard slower than this on distinct
 * tokens spends time on something else.
 */
async function limitMiddleware() {
  const get = async (url) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    return res.json();
  };
  const { jwks_uri: jwksUri } = await get(`${issuer}/.well-known/openid-configuration`);
  const jwk = (await get(jwksUri)).keys.find((k) => k.use === 'sig');
  const verifying = VERIFYING[jwk?.alg];
  if (!verifying) throw new Error(`the issuer's signing key has no supported alg (${jwk?.alg})`);
  const key = { key: createPublicKey({ key: jwk, format: 'jwk' }), ...verifying.options };
  const scope = 'profile';
  const refuse = (res) => res.status(401).set('WWW-Authenticate', 'Bearer').end();
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return refuse(res);
    const first = header.indexOf('.', 7);
    const second = first === -1 ? -1 : header.indexOf('.', first + 1);
    if (second === -1) return refuse(res);
    let claims;
    try {
      const signature = Buffer.from(header.slice(second + 1), 'base64url');
      if (!verify(verifying.digest, Buffer.from(header.slice(7, second)), key, signature)) return refuse(res);
      claims = JSON.parse(Buffer.from(header.slice(first + 1, second), 'base64url').toString());
    } catch {
      return refuse(res); // a signature node:crypto cannot read, or a payload that is not JSON
    }
    if (
      claims?.iss !== issuer ||
      !(claims.exp > Date.now() / 1000) ||
      typeof claims.scope !== 'string' ||
      !claims.scope.split(' ').includes(scope)
    )
      return refuse(res);
    req.auth = claims;
    next();
  };
}
const limit = mode === 'limit' ? await limitMiddleware() : undefined;

const app = express();
app.disable('x-powered-by');

// Garbage collections seen by this process (main-thread pauses), cumulative; the driver takes differences.
const gc = { minor: 0, major: 0, incremental: 0, weakcb: 0, pauseMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.pauseMs += entry.duration;
    const kind = entry.detail?.kind;
    if (kind === perf.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
    else if (kind === perf.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    else if (kind === perf.NODE_PERFORMANCE_GC_INCREMENTAL) gc.incremental++;
    else gc.weakcb++;
  }
}).observe({ entryTypes: ['gc'] });

function memory() {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapTotal: m.heapTotal,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}
app.get('/__bench/stats', (_req, res) => {
  res.json({ mode, pid: process.pid, memory: memory(), gc });
});
app.post('/__bench/gc', (_req, res) => {
  const collected = typeof globalThis.gc === 'function';
  if (collected) globalThis.gc();
  res.json({ mode, pid: process.pid, collected, memory: memory(), gc });
});

const handler = (_req, res) => {
  res.json({ ok: true });
};
// Calibration modes (`--calibrate`): what any middleware costs here, a synchronous one and one that
// awaits once, with no verification at all.
const syncNoop = (_req, _res, next) => next();
const asyncNoop = (_req, _res, next) => {
  void Promise.resolve().then(() => next());
};
if (mode === 'none') app.get('/api/data', handler);
else if (mode === 'noop-sync') app.get('/api/data', syncNoop, handler);
else if (mode === 'noop-async') app.get('/api/data', asyncNoop, handler);
else if (mode === 'limit') app.get('/api/data', limit, handler);
else if (mode === 'ours') app.get('/api/data', guard.requireAuth(), handler);
else app.get('/api/data', guard, handler);

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`BENCH_READY ${JSON.stringify({ port, pid: process.pid, mode, node: process.version })}\n`);
});

let closing = false;
function shutdown(code) {
  if (closing) return;
  closing = true;
  server.closeAllConnections?.();
  server.close(() => process.exit(code));
  setTimeout(() => process.exit(code), 2_000).unref();
}
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
// The driver holds our stdin: when it goes away (even killed with SIGKILL), so do we.
process.stdin.on('end', () => shutdown(0));
process.stdin.on('error', () => shutdown(0));
process.stdin.resume();
