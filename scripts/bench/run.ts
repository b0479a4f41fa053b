/**
 * `npm run bench`: the side-by-side benchmark of issue 6. See scripts/bench/README.md.
 *
 * This driver starts the fake provider (discovery + JWKS on 127.0.0.1), mints the tokens, and runs every
 * scenario against a fresh server process (scripts/bench/server.mjs, plain node, built code from dist/)
 * pinned to one CPU, with autocannon (scripts/bench/load.mjs) pinned to the other; the driver itself is
 * pinned to the load generator's CPU, never the server's.
 */
import { execFileSync } from 'node:child_process';
import { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import {
  BENCH_DIR,
  checkPinning,
  installCleanup,
  LoadGenerator,
  mint,
  onExit,
  pinSelf,
  startServer,
  type MintJob,
  type ServerHandle,
  type ServerMode,
} from './lib/children.js';
import { awaitQuietCpu, cpuShare, cpuSnapshot, procMemory, type CpuSnapshot } from './lib/proc.js';
import {
  flagsOf,
  healthTable,
  mb,
  pct,
  resultsTable,
  SCENARIOS,
  table,
  targetsOf,
  targetsText,
  type CpuUse,
  type GcUse,
  type ScenarioDef,
  type ScenarioResult,
  type Target,
} from './lib/report.js';
import type { LoadResult, RunSpec } from './lib/types.js';

const USAGE = `Usage: npm run bench -- [options]

  --duration N       measured seconds per scenario (default 10)
  --warmup N         unmeasured seconds before each scenario (default 1)
  --connections N    autocannon connections (default 50)
  --only IDS         run only these scenarios, e.g. --only 1,4,5c (ids: ${SCENARIOS.map((s) => s.id).join(', ')})
  --json             print the results as JSON on stdout (progress still goes to stderr)
  --calibrate        also run two calibration scenarios: a sync and an async no-op middleware (c1, c2)
  --profile          run each server with --cpu-prof (figures are then not representative); prints where
  --distinct N       distinct tokens to mint for (4)/(5c) (default: (1)'s rate × (warm-up + duration) × 1.2)
  --ours-options J   extra createAuth options for our guard, as JSON (experiments), e.g. '{"cache":{"maxEntries":0}}'
  --quiet-wait N     wait up to N seconds for the server's CPU to be quiet before each scenario (default 20)
  --retries N        run a scenario again, up to N times, when other work disturbed the server's CPU (default 1)
  --server-cpu N     CPU of the server under test (default 0)
  --load-cpu N       CPU of autocannon and of this driver (default 1)

  --memory           the memory run instead: our guard, --requests requests over --tokens distinct tokens
                     round-robin, RSS at the start, every 100,000 requests and at the end
  --requests N       memory run: requests (default 1,000,000)
  --tokens N         memory run: distinct tokens (default 100,000)
  --guard G          memory run: ours (default), peer (express-oauth2-jwt-bearer) or none, for comparison
`;

const AUDIENCE = 'test-api';
const CLIENT_ID = 'test_api_client';
const PATH = '/api/data';
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------- options

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    calibrate: { type: 'boolean', default: false },
    'ours-options': { type: 'string' },
    retries: { type: 'string' },
    'quiet-wait': { type: 'string' },
    distinct: { type: 'string' },
    'server-cpu': { type: 'string' },
    'load-cpu': { type: 'string' },
    memory: { type: 'boolean', default: false },
    requests: { type: 'string' },
    tokens: { type: 'string' },
    guard: { type: 'string', default: 'ours' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function numberOption(
  name: string,
  value: string | undefined,
  fallback: number,
  { integer = true, min = 1 } = {},
): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    process.stderr.write(
      `bench: --${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}"\n\n${USAGE}`,
    );
    process.exit(2);
  }
  return n;
}

const options = {
  duration: numberOption('duration', args.duration, 10, { integer: false, min: 1 }),
  warmup: numberOption('warmup', args.warmup, 1, { integer: false, min: 0 }),
  connections: numberOption('connections', args.connections, 50),
  retries: numberOption('retries', args.retries, 1, { min: 0 }),
  quietWait: numberOption('quiet-wait', args['quiet-wait'], 20, { integer: false, min: 0 }),
  distinct: args.distinct === undefined ? undefined : numberOption('distinct', args.distinct, 0),
  serverCpu: numberOption('server-cpu', args['server-cpu'], 0, { min: 0 }),
  loadCpu: numberOption('load-cpu', args['load-cpu'], 1, { min: 0 }),
  memoryRequests: numberOption('requests', args.requests, 1_000_000),
  memoryTokens: numberOption('tokens', args.tokens, 100_000),
  json: args.json === true,
  profile: args.profile === true,
  oursOptions: args['ours-options'],
  guard: args.guard as 'ours' | 'peer' | 'none',
};
if (!['ours', 'peer', 'none'].includes(options.guard)) {
  process.stderr.write(`bench: --guard must be ours, peer or none, got "${options.guard}"\n`);
  process.exit(2);
}
if (options.oursOptions !== undefined) {
  try {
    const parsed: unknown = JSON.parse(options.oursOptions);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch (error) {
    process.stderr.write(`bench: --ours-options must be a JSON object: ${String(error)}\n`);
    process.exit(2);
  }
}

const selected: readonly ScenarioDef[] = (() => {
  if (args.only === undefined) return SCENARIOS.filter((s) => args.calibrate === true || !s.calibration);
  const ids = args.only.split(',').map((s) => s.trim().replace(/^\((.*)\)$/, '$1'));
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) {
    process.stderr.write(
      `bench: unknown scenario ${unknown.join(', ')}; ids are ${SCENARIOS.map((s) => s.id).join(', ')}\n`,
    );
    process.exit(2);
  }
  return SCENARIOS.filter((s) => ids.includes(s.id));
})();

const log = (line: string): void => void process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------- set-up

const pinning = checkPinning();
if (!pinning.ok) {
  log(`bench: ${pinning.why}; the benchmark pins the server and the load generator to separate CPUs`);
  process.exit(2);
}
for (const cpu of [options.serverCpu, options.loadCpu]) {
  if (!pinning.cpus.includes(cpu)) {
    log(`bench: CPU ${cpu} is not available (this process may use ${pinning.cpus.join(', ')}); two CPUs are needed`);
    process.exit(2);
  }
}
if (options.serverCpu === options.loadCpu) {
  log("bench: --server-cpu and --load-cpu must differ: the load generator must not share the server's CPU");
  process.exit(2);
}

const workDir = mkdtempSync(join(tmpdir(), 'bearer-guard-bench-'));
installCleanup(() => rmSync(workDir, { recursive: true, force: true }));
const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'bearer-guard-bench-profiles-')) : undefined;
pinSelf(options.loadCpu);

function commit(): string | undefined {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', '../../src'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() !==
      '';
    return dirty ? `${sha} (src/ modified)` : sha;
  } catch {
    return undefined;
  }
}

const meta = {
  date: new Date().toISOString(),
  commit: commit(),
  node: process.version,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  serverCpu: options.serverCpu,
  loadCpu: options.loadCpu,
  connections: options.connections,
  duration: options.duration,
  warmup: options.warmup,
  oursOptions: options.oursOptions,
  loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
};

// ---------------------------------------------------------------------------------------------- tokens

interface Tokens {
  readonly provider: FakeProvider;
  readonly pem: string;
  readonly probe: string;
}

let mintJobs = 0;
/** Mints `count` distinct tokens into files (two jobs, one per CPU); answers the files. */
async function mintPool(tokens: Tokens, name: string, count: number, expiresIn: number): Promise<string[]> {
  const started = performance.now();
  const halves = count < 100 ? [count] : [Math.ceil(count / 2), Math.floor(count / 2)];
  const jobs: MintJob[] = halves.map((n) => ({
    pem: tokens.pem,
    kid: tokens.provider.currentKey.kid,
    issuer: tokens.provider.issuer,
    audience: AUDIENCE,
    clientId: CLIENT_ID,
    count: n,
    prefix: `${name}${mintJobs++}`,
    expiresIn,
    file: join(workDir, `${name}-${mintJobs}.tokens`),
  }));
  await mint(jobs, [options.serverCpu, options.loadCpu], workDir);
  if (count >= 10_000)
    log(`  minted ${count.toLocaleString('en-US')} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return jobs.map((j) => j.file);
}

async function loadPool(load: LoadGenerator, name: string, files: string[], expected: number): Promise<void> {
  const info = await load.loadTokens(name, files);
  if (info.count !== expected || info.distinct !== expected) {
    throw new Error(
      `token pool "${name}": expected ${expected} distinct tokens, got ${info.count} (${info.distinct} distinct)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------- one server

async function startPinnedServer(
  mode: ServerMode,
  provider: FakeProvider,
  name: string,
  extraNodeArgs: readonly string[] = [],
): Promise<ServerHandle> {
  const nodeArgs = [...extraNodeArgs];
  if (profileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
  return startServer({
    cpu: options.serverCpu,
    mode,
    issuer: provider.issuer,
    audience: AUDIENCE,
    nodeArgs,
    ...(options.oursOptions !== undefined ? { oursOptions: options.oursOptions } : {}),
  });
}

async function status(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer();
  return res.status;
}

/** The server answers, the guard admits a good token and refuses a missing or forged one (so it is really on). */
async function probe(server: ServerHandle, token: string): Promise<void> {
  const url = `${server.url}${PATH}`;
  const stats = await status(`${server.url}/__bench/stats`, {});
  if (stats !== 200) throw new Error(`GET /__bench/stats answered ${stats}`);
  const good = await status(url, { authorization: `Bearer ${token}` });
  if (good !== 200) throw new Error(`a valid token was answered ${good}, not 200`);
  const guarded = server.mode === 'ours' || server.mode === 'peer';
  const none = await status(url, {});
  const expected = guarded ? 401 : 200;
  if (none !== expected) throw new Error(`a request without a token was answered ${none}, not ${expected}`);
  if (guarded) {
    const dot = token.lastIndexOf('.');
    const i = dot + 20; // inside the signature (its last character may be padding bits only)
    const forged = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    const bad = await status(url, { authorization: `Bearer ${forged}` });
    if (bad !== 401) throw new Error(`a token with a forged signature was answered ${bad}, not 401`);
  }
}

interface GcCounts {
  readonly minor: number;
  readonly major: number;
  readonly incremental: number;
  readonly pauseMs: number;
}

interface ServerStats {
  readonly memory: NodeJS.MemoryUsage;
  readonly gc: GcCounts;
  readonly collected?: boolean;
}

async function serverStats(url: string, gc = false): Promise<ServerStats | undefined> {
  try {
    const res = await fetch(`${url}/__bench/${gc ? 'gc' : 'stats'}`, {
      method: gc ? 'POST' : 'GET',
      signal: AbortSignal.timeout(10_000),
    });
    return (await res.json()) as ServerStats;
  } catch {
    return undefined;
  }
}

function gcUse(from: ServerStats | undefined, to: ServerStats | undefined, responses: number): GcUse | undefined {
  if (!from || !to || responses === 0) return undefined;
  const pauseMs = to.gc.pauseMs - from.gc.pauseMs;
  return {
    minor: to.gc.minor - from.gc.minor,
    major: to.gc.major - from.gc.major,
    incremental: to.gc.incremental - from.gc.incremental,
    pauseMs,
    pauseUsPerRequest: (pauseMs * 1000) / responses,
  };
}

function cpuUse(
  from: CpuSnapshot | undefined,
  to: CpuSnapshot | undefined,
  serverPid: number,
  loadPid: number,
): CpuUse | undefined {
  if (!from || !to) return undefined;
  const share = cpuShare(from, to);
  const server = share.processes.get(serverPid) ?? Number.NaN;
  return {
    server,
    serverMain: share.mainThreads.get(serverPid) ?? Number.NaN,
    load: share.processes.get(loadPid) ?? Number.NaN,
    serverCpuOther: (share.cpus.get(options.serverCpu) ?? Number.NaN) - server,
  };
}

// ---------------------------------------------------------------------------------------------- default run

async function runScenario(def: ScenarioDef, load: LoadGenerator, tokens: Tokens): Promise<ScenarioResult> {
  const base = {
    id: def.id,
    label: def.label,
    mode: def.mode,
    rotation: def.rotation,
    ...(def.peer ? { peer: def.peer } : {}),
  };
  log(`(${def.id}) ${def.label}: ${options.warmup} s warm-up + ${options.duration} s`);
  let server: ServerHandle | undefined;
  try {
    server = await startPinnedServer(def.mode, tokens.provider, `scenario-${def.id}-${def.mode}`);
    await probe(server, tokens.probe);
    const before = procMemory(server.pid);
    let start: CpuSnapshot | undefined;
    let end: CpuSnapshot | undefined;
    const pids = [server.pid, load.pid];
    const spec: RunSpec = {
      url: server.url,
      path: PATH,
      tokens: def.pool,
      rotation: def.rotation,
      connections: options.connections,
      warmup: options.warmup,
      duration: options.duration,
    };
    let gcFrom: Promise<ServerStats | undefined> = Promise.resolve(undefined);
    let gcTo: Promise<ServerStats | undefined> = Promise.resolve(undefined);
    const url = server.url;
    const result: LoadResult = await load.run(spec, (event) => {
      if (event.event === 'measure-start') {
        start = cpuSnapshot(pids);
        gcFrom = serverStats(url);
      } else if (event.event === 'measure-end') {
        end = cpuSnapshot(pids);
        gcTo = serverStats(url);
      }
    });
    const gc = gcUse(await gcFrom, await gcTo, result.responses);
    const after = procMemory(server.pid);
    const stats = await serverStats(server.url);
    const cpu = cpuUse(start, end, server.pid, load.pid);
    const flags = flagsOf(result, cpu);
    if (server.child.exitCode !== null) flags.push(`the server exited during the run (code ${server.child.exitCode})`);
    const scenario: ScenarioResult = {
      ...base,
      status: flags.length ? 'flagged' : 'ok',
      flags,
      rps: result.rps,
      ...(cpu && cpu.server > 0 ? { rpsPerCpu: result.rps / cpu.server } : {}),
      ...(result.latencyUs.p50 !== null ? { p50Ms: result.latencyUs.p50 / 1000 } : {}),
      ...(result.latencyUs.p99 !== null ? { p99Ms: result.latencyUs.p99 / 1000 } : {}),
      rss: {
        before: before?.rss ?? Number.NaN,
        after: after?.rss ?? Number.NaN,
        peak: after?.peakRss ?? Number.NaN,
        ...(stats ? { heapUsedAfter: stats.memory.heapUsed } : {}),
      },
      ...(cpu ? { cpu } : {}),
      ...(gc ? { gc } : {}),
      load: result,
    };
    log(
      `  ${Math.round(result.rps).toLocaleString('en-US')} req/s, p50 ${((result.latencyUs.p50 ?? 0) / 1000).toFixed(2)} ms, p99 ${((result.latencyUs.p99 ?? 0) / 1000).toFixed(2)} ms` +
        `${cpu ? `, server CPU ${Math.round(cpu.server * 100)}%, load CPU ${Math.round(cpu.load * 100)}%` : ''}${flags.length ? `\n  FLAGGED: ${flags.join('; ')}` : ''}`,
    );
    return scenario;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`  FAILED: ${message}`);
    return { ...base, status: 'failed', flags: [message], error: message };
  } finally {
    await server?.stop();
  }
}

/** Whether other work on the server's CPU, not the code under test, explains a flagged scenario. */
function disturbed(result: ScenarioResult): boolean {
  const cpu = result.cpu;
  if (result.status !== 'flagged' || !cpu || result.load?.non2xx || result.load?.errors) return false;
  return cpu.serverCpuOther >= 0.15 || cpu.server < 0.9;
}

/** A scenario on a quiet server CPU, run again (up to --retries times) when other work disturbed it. */
async function runQuietly(def: ScenarioDef, load: LoadGenerator, tokens: Tokens): Promise<ScenarioResult> {
  const attempts: ScenarioResult[] = [];
  for (let attempt = 1; ; attempt++) {
    const quiet = await awaitQuietCpu(options.serverCpu, { maxWaitMs: options.quietWait * 1000 });
    if (quiet.busy >= 0.1)
      log(
        `  CPU ${options.serverCpu} is still ${pct(quiet.busy)} busy with other work after ${(quiet.waitedMs / 1000).toFixed(0)} s; running anyway`,
      );
    else if (quiet.waitedMs > 1_000)
      log(`  waited ${(quiet.waitedMs / 1000).toFixed(0)} s for CPU ${options.serverCpu} to be quiet`);
    const result = await runScenario(def, load, tokens);
    attempts.push(result);
    if (attempt > options.retries || !disturbed(result)) break;
    log(`  other work disturbed the server's CPU: running (${def.id}) again`);
  }
  if (attempts.length === 1) return attempts[0]!;
  // The least disturbed attempt: undisturbed first, then the one whose server had the most of its CPU.
  const score = (r: ScenarioResult) => (disturbed(r) ? 0 : 1) * 10 + (r.cpu?.server ?? 0);
  const best = attempts.reduce((a, b) => (score(b) > score(a) ? b : a));
  if (best !== attempts[attempts.length - 1])
    log(`  keeping attempt ${attempts.indexOf(best) + 1} of (${def.id}), the least disturbed`);
  return { ...best, attempts: attempts.length };
}

/** Order of the runs: ours next to its peer, the distinct-token pair last (its tokens are minted after (1)). */
const ORDER = ['1', 'c1', 'c2', '2', '5a', '3', '5b', '4', '5c'];

async function defaultRun(load: LoadGenerator, tokens: Tokens): Promise<void> {
  const thousandFiles = await mintPool(tokens, 'thousand', 1_000, 3_600);
  await loadPool(load, 'thousand', thousandFiles, 1_000);

  const results = new Map<string, ScenarioResult>();
  const defs = ORDER.map((id) => selected.find((s) => s.id === id)).filter((s): s is ScenarioDef => s !== undefined);
  let distinctReady = false;
  for (const def of defs) {
    if (def.pool === 'distinct' && !distinctReady) {
      // Enough never-repeated tokens for the warm-up and the measured part at the ceiling's rate, which no
      // guarded scenario can exceed, plus a margin. A run that still runs out is stopped and flagged.
      const ceiling = results.get('1');
      const rate = ceiling?.status !== 'failed' && ceiling?.rps ? ceiling.rps : 20_000;
      const count =
        options.distinct ?? Math.ceil(rate * (options.warmup + options.duration) * 1.2) + 4 * options.connections;
      log(
        `minting ${count.toLocaleString('en-US')} distinct tokens (RS256, node:crypto, one process per CPU; no server is running)`,
      );
      const files = await mintPool(tokens, 'distinct', count, 3_600);
      await loadPool(load, 'distinct', files, count);
      distinctReady = true;
    }
    results.set(def.id, await runQuietly(def, load, tokens));
  }

  const ordered = SCENARIOS.map((s) => results.get(s.id)).filter((r): r is ScenarioResult => r !== undefined);
  const targets = targetsOf(results);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ meta, scenarios: ordered.map(jsonScenario(results)), targets }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${defaultReport(ordered, targets)}\n`);
  }
  if (ordered.some((r) => r.status === 'failed')) process.exitCode = 1;
}

function jsonScenario(results: ReadonlyMap<string, ScenarioResult>) {
  const ceiling = results.get('1');
  const ratios = (r: ScenarioResult, b: ScenarioResult | undefined) =>
    b && b.status !== 'failed' && r.status !== 'failed'
      ? {
          rps: r.rps! / b.rps!,
          rpsPerCpu: (r.rpsPerCpu ?? Number.NaN) / (b.rpsPerCpu ?? Number.NaN),
          p50: (r.p50Ms ?? Number.NaN) / (b.p50Ms ?? Number.NaN),
          p99: (r.p99Ms ?? Number.NaN) / (b.p99Ms ?? Number.NaN),
        }
      : undefined;
  return (r: ScenarioResult) => ({
    id: r.id,
    label: r.label,
    mode: r.mode,
    tokens:
      r.rotation === 'fixed' ? '1 token' : r.rotation === 'cycle' ? '1,000 tokens round-robin' : 'every token distinct',
    status: r.status,
    flags: r.flags,
    attempts: r.attempts ?? 1,
    rps: r.rps,
    rpsPerCpu: r.rpsPerCpu,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    toCeiling: r.id === '1' ? undefined : ratios(r, ceiling),
    toPeer: r.peer ? { peer: r.peer, ...ratios(r, results.get(r.peer)) } : undefined,
    rssMb: r.rss && {
      before: r.rss.before / MB,
      after: r.rss.after / MB,
      peak: r.rss.peak / MB,
      heapUsedAfter: r.rss.heapUsedAfter && r.rss.heapUsedAfter / MB,
    },
    cpu: r.cpu,
    gc: r.gc,
    responses: r.load && {
      total: r.load.responses,
      ok: r.load.ok,
      non2xx: r.load.non2xx,
      errors: r.load.errors,
      timeouts: r.load.timeouts,
      statusCodes: r.load.statusCodes,
      elapsedS: r.load.elapsed,
    },
    latencyUs: r.load?.latencyUs,
    tokenUse: r.load?.tokens,
    warmup: r.load?.warmup,
  });
}

function defaultReport(ordered: readonly ScenarioResult[], targets: readonly Target[]): string {
  const out: string[] = [];
  out.push('');
  out.push(
    `bearer-guard benchmark (issue 6) — ${meta.date}${meta.commit ? `, commit ${meta.commit}` : ''}\n` +
      `node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}; server on CPU ${meta.serverCpu}, autocannon -c ${meta.connections} on CPU ${meta.loadCpu}; ` +
      `GET ${PATH}, ${meta.warmup} s warm-up + ${meta.duration} s per scenario, a fresh server process each; load average at start ${meta.loadavgAtStart.join(' ')}`,
  );
  if (meta.oursOptions !== undefined)
    out.push(`(--ours-options: our guard ran with extra options ${meta.oursOptions})`);
  if (profileDir)
    out.push(`(--profile: servers ran under --cpu-prof, figures are not representative; profiles in ${profileDir})`);
  out.push('');
  out.push(resultsTable(ordered));
  out.push('');
  out.push(
    '×(1): ratio to the unprotected route; ×peer: ratio to express-oauth2-jwt-bearer with the same tokens (2↔5a, 3↔5b, 4↔5c).',
  );
  out.push(
    'Latency ratios below 1 are better; req/s ratios above 1 are better. RSS: fresh server before the warm-up → after the run.',
  );
  out.push('');
  out.push(healthTable(ordered));
  const flagged = ordered.filter((r) => r.flags.length);
  if (flagged.length) {
    out.push('');
    out.push('Flagged (figures not to be trusted as they are):');
    for (const r of flagged) out.push(`  (${r.id}) ${r.flags.join('; ')}`);
  }
  out.push('');
  out.push('Targets of issue 6 (reported, not asserted):');
  out.push(targetsText(targets));
  out.push('  (RSS growth over 1,000,000 requests with 100,000 tokens: run `npm run bench -- --memory`)');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------- memory run

interface Checkpoint {
  readonly label: string;
  readonly responses: number;
  readonly rss: number;
  readonly peakRss: number;
  readonly heapUsed?: number;
  readonly heapTotal?: number;
  readonly external?: number;
}

const heapOf = (stats: { memory: NodeJS.MemoryUsage } | undefined) =>
  stats ? { heapUsed: stats.memory.heapUsed, heapTotal: stats.memory.heapTotal, external: stats.memory.external } : {};

async function checkpoint(server: ServerHandle, label: string, responses: number, gc = false): Promise<Checkpoint> {
  const stats = gc ? await serverStats(server.url, true) : undefined;
  const m = procMemory(server.pid);
  if (!m) throw new Error(`the server (pid ${server.pid}) is gone`);
  const after = gc ? stats : await serverStats(server.url);
  return { label, responses, rss: m.rss, peakRss: m.peakRss, ...heapOf(after) };
}

/**
 * The memory run: RSS at idle, after a warm-up (1,000 tokens round-robin, so the code is optimised and the
 * heap sized for load, while the cache holds only those), every 100,000 requests of the measured run
 * (`--tokens` distinct tokens round-robin) and at its end. The growth judged is end − after warm-up: what
 * the requests and their tokens added, not what any node server under load takes (young generation, JIT
 * code, sockets), which the idle-to-warm line shows apart.
 */
async function memoryRun(load: LoadGenerator, tokens: Tokens): Promise<void> {
  const { memoryRequests: requests, memoryTokens: tokenCount } = options;
  const warmup = args.warmup === undefined ? 5 : options.warmup;
  const guardName = { ours: 'our guard', peer: 'express-oauth2-jwt-bearer', none: 'no guard' }[options.guard];
  log(
    `memory run: ${requests.toLocaleString('en-US')} requests over ${tokenCount.toLocaleString('en-US')} distinct tokens round-robin, ${guardName}`,
  );
  log(`minting ${tokenCount.toLocaleString('en-US')} tokens (RS256, node:crypto, one process per CPU)`);
  const files = await mintPool(tokens, 'memory', tokenCount, 4 * 3_600);
  await loadPool(load, 'memory', files, tokenCount);
  const warmFiles = await mintPool(tokens, 'warm', 1_000, 4 * 3_600);
  await loadPool(load, 'warm', warmFiles, 1_000);

  const quiet = await awaitQuietCpu(options.serverCpu, { maxWaitMs: options.quietWait * 1000 });
  if (quiet.busy >= 0.1)
    log(`  CPU ${options.serverCpu} is still ${pct(quiet.busy)} busy with other work; running anyway`);
  const server = await startPinnedServer(options.guard, tokens.provider, `memory-${options.guard}`, ['--expose-gc']);
  const checkpoints: Checkpoint[] = [];
  let result: LoadResult;
  let warmResult: LoadResult | undefined;
  let afterGc: Checkpoint;
  let cpu: CpuUse | undefined;
  try {
    await probe(server, tokens.probe);
    checkpoints.push(await checkpoint(server, 'idle (after a full GC)', 0, true));
    const base = { url: server.url, path: PATH, connections: options.connections, warmup: 0 };
    if (warmup > 0) {
      warmResult = await load.run({ ...base, tokens: 'warm', rotation: 'cycle', duration: warmup });
      checkpoints.push(await checkpoint(server, `after ${warmup} s warm-up`, 0));
    }
    log(`  ${checkpoints.map((c) => `${c.label}: RSS ${mb(c.rss)} MB`).join(', ')}`);
    const pending: Array<Promise<void>> = [];
    const every = Math.min(100_000, Math.max(1_000, Math.floor(requests / 10)));
    const t0 = performance.now();
    let from: CpuSnapshot | undefined;
    let to: CpuSnapshot | undefined;
    const pids = [server.pid, load.pid];
    result = await load.run(
      { ...base, tokens: 'memory', rotation: 'cycle', duration: 0, amount: requests, progressEvery: every },
      (event) => {
        if (event.event === 'measure-start') from = cpuSnapshot(pids);
        if (event.event === 'measure-end') to = cpuSnapshot(pids);
        if (event.event !== 'progress') return;
        const label = event.responses.toLocaleString('en-US');
        pending.push(
          checkpoint(server, label, event.responses).then((c) => {
            checkpoints.push(c);
            log(`  ${label} requests (${((performance.now() - t0) / 1000).toFixed(0)} s): RSS ${mb(c.rss)} MB`);
          }),
        );
      },
    );
    await Promise.all(pending);
    cpu = cpuUse(from, to, server.pid, load.pid);
    checkpoints.push(await checkpoint(server, 'end', result.responses));
    afterGc = await checkpoint(server, 'end, after a full GC', result.responses, true);
  } finally {
    await server.stop();
  }

  const idle = checkpoints[0]!;
  const warm = warmup > 0 ? checkpoints[1]! : idle;
  const progress = checkpoints
    .filter((c) => c !== idle && c !== warm && c.label !== 'end')
    .sort((a, b) => a.responses - b.responses);
  const end = checkpoints[checkpoints.length - 1]!;
  const rows = [idle, ...(warm !== idle ? [warm] : []), ...progress, end, afterGc];
  const growth = end.rss - warm.rss;
  const growthFromIdle = end.rss - idle.rss;
  const peakGrowth = end.peakRss - warm.rss;
  const flags = flagsOf(result, cpu);
  if (warmResult && (warmResult.non2xx > 0 || warmResult.errors > 0))
    flags.push(`warm-up: ${warmResult.non2xx} non-2xx, ${warmResult.errors} errors`);
  const notes = [...flags];
  if (requests !== 1_000_000 || tokenCount !== 100_000)
    notes.push("not the issue's run (1,000,000 requests, 100,000 tokens)");
  if (options.guard !== 'ours' || options.oursOptions !== undefined)
    notes.push('a comparison run: the target is about our guard with its defaults');
  const errored = result.non2xx > 0 || result.errors > 0;
  const target: Target = {
    id: 'memory',
    text: `RSS growth over ${requests.toLocaleString('en-US')} requests with ${tokenCount.toLocaleString('en-US')} tokens (end − after warm-up) ≤ 50 MB`,
    value: growth / MB,
    unit: 'MB',
    limit: 50,
    op: '<=',
    status: errored ? 'unknown' : growth <= 50 * MB ? 'met' : 'not met',
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
  const cpuLine = cpu
    ? `server CPU ${pct(cpu.server)} (main thread ${pct(cpu.serverMain)}), load generator ${pct(cpu.load)}, other work on the server's CPU ${pct(Math.max(0, cpu.serverCpuOther))}`
    : '';

  if (options.json) {
    const toMb = (c: Checkpoint) => ({
      label: c.label,
      responses: c.responses,
      rssMb: c.rss / MB,
      peakRssMb: c.peakRss / MB,
      heapUsedMb: c.heapUsed && c.heapUsed / MB,
      heapTotalMb: c.heapTotal && c.heapTotal / MB,
      externalMb: c.external && c.external / MB,
    });
    const memory = {
      rps: result.rps,
      p50Ms: (result.latencyUs.p50 ?? Number.NaN) / 1000,
      p99Ms: (result.latencyUs.p99 ?? Number.NaN) / 1000,
      responses: {
        total: result.responses,
        ok: result.ok,
        non2xx: result.non2xx,
        errors: result.errors,
        statusCodes: result.statusCodes,
        elapsedS: result.elapsed,
      },
      tokenUse: result.tokens,
      cpu,
      checkpoints: rows.map(toMb),
      growthMb: growth / MB,
      growthFromIdleMb: growthFromIdle / MB,
      peakGrowthMb: peakGrowth / MB,
      flags,
    };
    const jsonMeta = { ...meta, duration: undefined, warmup, guard: options.guard, requests, tokens: tokenCount };
    process.stdout.write(`${JSON.stringify({ meta: jsonMeta, memory, targets: [target] }, null, 2)}\n`);
  } else {
    const table_ = [['requests', 'RSS MB', 'Δ RSS MB (vs warm)', 'JS heap used MB', 'JS heap total MB', 'external MB']];
    for (const c of rows)
      table_.push([c.label, mb(c.rss), mb(c.rss - warm.rss), mb(c.heapUsed), mb(c.heapTotal), mb(c.external)]);
    const guardText =
      options.guard === 'ours'
        ? meta.oursOptions
          ? `our guard with ${meta.oursOptions}`
          : 'our guard with its default cache'
        : guardName;
    const out = [
      '',
      `bearer-guard memory run (issue 6) — ${meta.date}${meta.commit ? `, commit ${meta.commit}` : ''}`,
      `node ${meta.node}; ${guardText}; ${requests.toLocaleString('en-US')} requests over ${tokenCount.toLocaleString('en-US')} distinct tokens round-robin ` +
        `after a ${warmup} s warm-up over 1,000 other tokens; autocannon -c ${meta.connections}; server on CPU ${meta.serverCpu}`,
      '',
      table(table_, new Set([0])),
      '',
      `${result.responses.toLocaleString('en-US')} responses (${result.ok.toLocaleString('en-US')} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors) in ${result.elapsed.toFixed(1)} s: ` +
        `${Math.round(result.rps).toLocaleString('en-US')} req/s, p50 ${((result.latencyUs.p50 ?? 0) / 1000).toFixed(2)} ms, p99 ${((result.latencyUs.p99 ?? 0) / 1000).toFixed(2)} ms; ` +
        `${result.tokens.distinctSent.toLocaleString('en-US')} distinct tokens sent, each ${(result.tokens.sent / Math.max(1, result.tokens.distinctSent)).toFixed(1)} times`,
      ...(cpuLine ? [cpuLine] : []),
      `RSS growth: ${mb(growth)} MB from after the warm-up to the end (${mb(growthFromIdle)} MB from idle); peak RSS (VmHWM) − after warm-up: ${mb(peakGrowth)} MB`,
      ...(flags.length ? [`FLAGGED: ${flags.join('; ')}`] : []),
      '',
      'Target of issue 6 (reported, not asserted):',
      targetsText([target]),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (errored) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const provider = await startFakeProvider({ audience: AUDIENCE, clientId: CLIENT_ID });
  onExit(() => void provider.close());
  const pem = KeyObject.from(provider.currentKey.privateKey as unknown as Parameters<typeof KeyObject.from>[0])
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const load = await LoadGenerator.start(options.loadCpu);
  const probeToken = await provider.mint({}, { expiresIn: 4 * 3_600 }); // never part of a measured pool
  const tokens: Tokens = { provider, pem, probe: probeToken };
  log(
    `fake provider at ${provider.issuer}; server on CPU ${options.serverCpu}, autocannon and this driver on CPU ${options.loadCpu}`,
  );
  try {
    if (args.memory) await memoryRun(load, tokens);
    else await defaultRun(load, tokens);
  } finally {
    await load.stop();
    await provider.close();
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (profileDir)
    log(
      `CPU profiles: ${profileDir} (summarise with: npx tsx scripts/bench/profile.ts ${profileDir}/<file>.cpuprofile)`,
    );
}

// Exit explicitly either way: the exit hook kills whatever child is left, and no idle keep-alive socket
// of fetch() holds the driver open.
main().then(
  () => process.exit(),
  (error: unknown) => {
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
