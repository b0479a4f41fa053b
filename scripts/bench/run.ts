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
import { cpuShare, cpuSnapshot, procMemory, type CpuSnapshot } from './lib/proc.js';
import {
  flagsOf,
  healthTable,
  mb,
  resultsTable,
  SCENARIOS,
  table,
  targetsOf,
  targetsText,
  type CpuUse,
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
  --profile          run each server with --cpu-prof (figures are then not representative); prints where
  --ours-options J   extra createAuth options for our guard, as JSON (experiments), e.g. '{"cache":{"maxEntries":0}}'
  --server-cpu N     CPU of the server under test (default 0)
  --load-cpu N       CPU of autocannon and of this driver (default 1)

  --memory           the memory run instead: our guard, --requests requests over --tokens distinct tokens
                     round-robin, RSS at the start, every 100,000 requests and at the end
  --requests N       memory run: requests (default 1,000,000)
  --tokens N         memory run: distinct tokens (default 100,000)
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
    'ours-options': { type: 'string' },
    'server-cpu': { type: 'string' },
    'load-cpu': { type: 'string' },
    memory: { type: 'boolean', default: false },
    requests: { type: 'string' },
    tokens: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function numberOption(name: string, value: string | undefined, fallback: number, { integer = true, min = 1 } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    process.stderr.write(`bench: --${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}"\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const options = {
  duration: numberOption('duration', args.duration, 10, { integer: false, min: 1 }),
  warmup: numberOption('warmup', args.warmup, 1, { integer: false, min: 0 }),
  connections: numberOption('connections', args.connections, 50),
  serverCpu: numberOption('server-cpu', args['server-cpu'], 0, { min: 0 }),
  loadCpu: numberOption('load-cpu', args['load-cpu'], 1, { min: 0 }),
  memoryRequests: numberOption('requests', args.requests, 1_000_000),
  memoryTokens: numberOption('tokens', args.tokens, 100_000),
  json: args.json === true,
  profile: args.profile === true,
  oursOptions: args['ours-options'],
};
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
  if (args.only === undefined) return SCENARIOS;
  const ids = args.only.split(',').map((s) => s.trim().replace(/^\((.*)\)$/, '$1'));
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) {
    process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}; ids are ${SCENARIOS.map((s) => s.id).join(', ')}\n`);
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
  log('bench: --server-cpu and --load-cpu must differ: the load generator must not share the server\'s CPU');
  process.exit(2);
}

const workDir = mkdtempSync(join(tmpdir(), 'bearer-guard-bench-'));
installCleanup(() => rmSync(workDir, { recursive: true, force: true }));
const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'bearer-guard-bench-profiles-')) : undefined;
pinSelf(options.loadCpu);

function commit(): string | undefined {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../../src'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() !== '';
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
  if (count >= 10_000) log(`  minted ${count.toLocaleString('en-US')} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return jobs.map((j) => j.file);
}

async function loadPool(load: LoadGenerator, name: string, files: string[], expected: number): Promise<void> {
  const info = await load.loadTokens(name, files);
  if (info.count !== expected || info.distinct !== expected) {
    throw new Error(`token pool "${name}": expected ${expected} distinct tokens, got ${info.count} (${info.distinct} distinct)`);
  }
}

// ---------------------------------------------------------------------------------------------- one server

async function startPinnedServer(mode: ServerMode, provider: FakeProvider, name: string, extraNodeArgs: readonly string[] = []): Promise<ServerHandle> {
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
  const none = await status(url, {});
  const expected = server.mode === 'none' ? 200 : 401;
  if (none !== expected) throw new Error(`a request without a token was answered ${none}, not ${expected}`);
  if (server.mode !== 'none') {
    const dot = token.lastIndexOf('.');
    const i = dot + 20; // inside the signature (its last character may be padding bits only)
    const forged = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    const bad = await status(url, { authorization: `Bearer ${forged}` });
    if (bad !== 401) throw new Error(`a token with a forged signature was answered ${bad}, not 401`);
  }
}

async function serverStats(url: string, gc = false): Promise<{ memory: NodeJS.MemoryUsage; collected?: boolean } | undefined> {
  try {
    const res = await fetch(`${url}/__bench/${gc ? 'gc' : 'stats'}`, { method: gc ? 'POST' : 'GET', signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as { memory: NodeJS.MemoryUsage; collected?: boolean };
  } catch {
    return undefined;
  }
}

function cpuUse(from: CpuSnapshot | undefined, to: CpuSnapshot | undefined, serverPid: number, loadPid: number): CpuUse | undefined {
  if (!from || !to) return undefined;
  const share = cpuShare(from, to);
  const server = share.processes.get(serverPid) ?? Number.NaN;
  return { server, load: share.processes.get(loadPid) ?? Number.NaN, serverCpuOther: (share.cpus.get(options.serverCpu) ?? Number.NaN) - server };
}

// ---------------------------------------------------------------------------------------------- default run

async function runScenario(def: ScenarioDef, load: LoadGenerator, tokens: Tokens): Promise<ScenarioResult> {
  const base = { id: def.id, label: def.label, mode: def.mode, rotation: def.rotation, ...(def.peer ? { peer: def.peer } : {}) };
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
    const result: LoadResult = await load.run(spec, (event) => {
      if (event.event === 'measure-start') start = cpuSnapshot(pids);
      else if (event.event === 'measure-end') end = cpuSnapshot(pids);
    });
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
      ...(result.latencyUs.p50 !== null ? { p50Ms: result.latencyUs.p50 / 1000 } : {}),
      ...(result.latencyUs.p99 !== null ? { p99Ms: result.latencyUs.p99 / 1000 } : {}),
      rss: {
        before: before?.rss ?? Number.NaN,
        after: after?.rss ?? Number.NaN,
        peak: after?.peakRss ?? Number.NaN,
        ...(stats ? { heapUsedAfter: stats.memory.heapUsed } : {}),
      },
      ...(cpu ? { cpu } : {}),
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

/** Order of the runs: ours next to its peer, the distinct-token pair last (its tokens are minted after (1)). */
const ORDER = ['1', '2', '5a', '3', '5b', '4', '5c'];

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
      const count = Math.ceil(rate * (options.warmup + options.duration) * 1.2) + 4 * options.connections;
      log(`minting ${count.toLocaleString('en-US')} distinct tokens (RS256, node:crypto, one process per CPU; no server is running)`);
      const files = await mintPool(tokens, 'distinct', count, 3_600);
      await loadPool(load, 'distinct', files, count);
      distinctReady = true;
    }
    results.set(def.id, await runScenario(def, load, tokens));
  }

  const ordered = SCENARIOS.map((s) => results.get(s.id)).filter((r): r is ScenarioResult => r !== undefined);
  const targets = targetsOf(results);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ meta, scenarios: ordered.map(jsonScenario(results)), targets }, null, 2)}\n`);
  } else {
    process.stdout.write(`${defaultReport(ordered, targets)}\n`);
  }
  if (ordered.some((r) => r.status === 'failed')) process.exitCode = 1;
}

function jsonScenario(results: ReadonlyMap<string, ScenarioResult>) {
  const ceiling = results.get('1');
  const ratios = (r: ScenarioResult, b: ScenarioResult | undefined) =>
    b && b.status !== 'failed' && r.status !== 'failed'
      ? { rps: r.rps! / b.rps!, p50: (r.p50Ms ?? Number.NaN) / (b.p50Ms ?? Number.NaN), p99: (r.p99Ms ?? Number.NaN) / (b.p99Ms ?? Number.NaN) }
      : undefined;
  return (r: ScenarioResult) => ({
    id: r.id,
    label: r.label,
    mode: r.mode,
    tokens: r.rotation === 'fixed' ? '1 token' : r.rotation === 'cycle' ? '1,000 tokens round-robin' : 'every token distinct',
    status: r.status,
    flags: r.flags,
    rps: r.rps,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    toCeiling: r.id === '1' ? undefined : ratios(r, ceiling),
    toPeer: r.peer ? { peer: r.peer, ...ratios(r, results.get(r.peer)) } : undefined,
    rssMb: r.rss && { before: r.rss.before / MB, after: r.rss.after / MB, peak: r.rss.peak / MB, heapUsedAfter: r.rss.heapUsedAfter && r.rss.heapUsedAfter / MB },
    cpu: r.cpu,
    responses: r.load && { total: r.load.responses, ok: r.load.ok, non2xx: r.load.non2xx, errors: r.load.errors, timeouts: r.load.timeouts, statusCodes: r.load.statusCodes, elapsedS: r.load.elapsed },
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
  if (meta.oursOptions !== undefined) out.push(`(--ours-options: our guard ran with extra options ${meta.oursOptions})`);
  if (profileDir) out.push(`(--profile: servers ran under --cpu-prof, figures are not representative; profiles in ${profileDir})`);
  out.push('');
  out.push(resultsTable(ordered));
  out.push('');
  out.push('×(1): ratio to the unprotected route; ×peer: ratio to express-oauth2-jwt-bearer with the same tokens (2↔5a, 3↔5b, 4↔5c).');
  out.push('Latency ratios below 1 are better; req/s ratios above 1 are better. RSS: fresh server before the warm-up → after the run.');
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
}

async function memoryRun(load: LoadGenerator, tokens: Tokens): Promise<void> {
  const { memoryRequests: requests, memoryTokens: tokenCount } = options;
  log(`memory run: ${requests.toLocaleString('en-US')} requests over ${tokenCount.toLocaleString('en-US')} distinct tokens round-robin, our guard (default cache)`);
  log(`minting ${tokenCount.toLocaleString('en-US')} tokens (RS256, node:crypto, one process per CPU)`);
  const files = await mintPool(tokens, 'memory', tokenCount, 4 * 3_600);
  await loadPool(load, 'memory', files, tokenCount);

  const server = await startPinnedServer('ours', tokens.provider, 'memory-ours', ['--expose-gc']);
  const checkpoints: Checkpoint[] = [];
  let result: LoadResult | undefined;
  let afterGc: { rss: number; heapUsed: number } | undefined;
  try {
    await probe(server, tokens.probe);
    const startStats = await serverStats(server.url, true); // a full GC, so the start is the idle baseline
    const start = procMemory(server.pid)!;
    checkpoints.push({ label: 'start', responses: 0, rss: start.rss, peakRss: start.peakRss, ...(startStats ? { heapUsed: startStats.memory.heapUsed } : {}) });
    log(`  start: RSS ${mb(start.rss)} MB`);
    const pending: Array<Promise<void>> = [];
    const every = Math.min(100_000, Math.max(1_000, Math.floor(requests / 10)));
    const t0 = performance.now();
    result = await load.run(
      { url: server.url, path: PATH, tokens: 'memory', rotation: 'cycle', connections: options.connections, warmup: 0, duration: 0, amount: requests, progressEvery: every },
      (event) => {
        if (event.event !== 'progress') return;
        const m = procMemory(server.pid);
        if (!m) return;
        const label = event.responses.toLocaleString('en-US');
        log(`  ${label} requests (${((performance.now() - t0) / 1000).toFixed(0)} s): RSS ${mb(m.rss)} MB`);
        pending.push(
          serverStats(server.url).then((s) => {
            checkpoints.push({ label, responses: event.responses, rss: m.rss, peakRss: m.peakRss, ...(s ? { heapUsed: s.memory.heapUsed } : {}) });
          }),
        );
      },
    );
    await Promise.all(pending);
    const end = procMemory(server.pid)!;
    const endStats = await serverStats(server.url);
    checkpoints.push({ label: 'end', responses: result.responses, rss: end.rss, peakRss: end.peakRss, ...(endStats ? { heapUsed: endStats.memory.heapUsed } : {}) });
    const gc = await serverStats(server.url, true);
    const endGc = procMemory(server.pid);
    if (gc && endGc) afterGc = { rss: endGc.rss, heapUsed: gc.memory.heapUsed };
  } finally {
    await server.stop();
  }

  checkpoints.sort((a, b) => (a.label === 'start' ? -1 : b.label === 'start' ? 1 : a.label === 'end' ? 1 : b.label === 'end' ? -1 : a.responses - b.responses));
  const start = checkpoints[0]!;
  const end = checkpoints[checkpoints.length - 1]!;
  const growth = end.rss - start.rss;
  const peakGrowth = end.peakRss - start.rss;
  const flags = flagsOf(result, undefined);
  const notes = [...flags];
  if (requests !== 1_000_000 || tokenCount !== 100_000) notes.push("not the issue's run (1,000,000 requests, 100,000 tokens)");
  const target: Target = {
    id: 'memory',
    text: `RSS growth over ${requests.toLocaleString('en-US')} requests with ${tokenCount.toLocaleString('en-US')} tokens ≤ 50 MB`,
    value: growth / MB,
    limit: 50,
    op: '<=',
    status: flags.length ? 'unknown' : growth <= 50 * MB ? 'met' : 'not met',
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };

  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          meta: { ...meta, duration: undefined, warmup: undefined, requests, tokens: tokenCount },
          memory: {
            rps: result.rps,
            p50Ms: (result.latencyUs.p50 ?? Number.NaN) / 1000,
            p99Ms: (result.latencyUs.p99 ?? Number.NaN) / 1000,
            responses: { total: result.responses, ok: result.ok, non2xx: result.non2xx, errors: result.errors, statusCodes: result.statusCodes, elapsedS: result.elapsed },
            tokenUse: result.tokens,
            checkpoints: checkpoints.map((c) => ({ ...c, rssMb: c.rss / MB, peakRssMb: c.peakRss / MB, heapUsedMb: c.heapUsed && c.heapUsed / MB })),
            afterGc: afterGc && { rssMb: afterGc.rss / MB, heapUsedMb: afterGc.heapUsed / MB },
            growthMb: growth / MB,
            peakGrowthMb: peakGrowth / MB,
            flags,
          },
          targets: [target],
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const rows = [['requests', 'RSS MB', 'Δ RSS MB', 'heap used MB']];
    for (const c of checkpoints) rows.push([c.label, mb(c.rss), mb(c.rss - start.rss), mb(c.heapUsed)]);
    if (afterGc) rows.push(['end, after a full GC', mb(afterGc.rss), mb(afterGc.rss - start.rss), mb(afterGc.heapUsed)]);
    const out = [
      '',
      `bearer-guard memory run (issue 6) — ${meta.date}${meta.commit ? `, commit ${meta.commit}` : ''}`,
      `node ${meta.node}; our guard with its default cache; ${requests.toLocaleString('en-US')} requests over ${tokenCount.toLocaleString('en-US')} distinct tokens round-robin; ` +
        `autocannon -c ${meta.connections}; server on CPU ${meta.serverCpu}`,
      '',
      table(rows, new Set([0])),
      '',
      `${result.responses.toLocaleString('en-US')} responses (${result.ok.toLocaleString('en-US')} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors) in ${result.elapsed.toFixed(1)} s: ` +
        `${Math.round(result.rps).toLocaleString('en-US')} req/s, p50 ${((result.latencyUs.p50 ?? 0) / 1000).toFixed(2)} ms, p99 ${((result.latencyUs.p99 ?? 0) / 1000).toFixed(2)} ms; ` +
        `${result.tokens.distinctSent.toLocaleString('en-US')} distinct tokens sent`,
      `RSS growth start → end: ${mb(growth)} MB; peak RSS (VmHWM) − start: ${mb(peakGrowth)} MB`,
      ...(flags.length ? [`FLAGGED: ${flags.join('; ')}`] : []),
      '',
      'Target of issue 6 (reported, not asserted):',
      targetsText([target]),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
  if (flags.length) process.exitCode = 1;
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
  log(`fake provider at ${provider.issuer}; server on CPU ${options.serverCpu}, autocannon and this driver on CPU ${options.loadCpu}`);
  try {
    if (args.memory) await memoryRun(load, tokens);
    else await defaultRun(load, tokens);
  } finally {
    await load.stop();
    await provider.close();
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (profileDir) log(`CPU profiles: ${profileDir} (summarise with: npx tsx scripts/bench/profile.ts ${profileDir}/<file>.cpuprofile)`);
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
