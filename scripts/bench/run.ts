/**
 * `npm run bench`: our guard against the same route unprotected and against express-oauth2-jwt-bearer.
 * See scripts/bench/README.md.
 *
 * This driver starts the fake provider (discovery + JWKS on 127.0.0.1), mints the tokens, and runs every
 * scenario against a fresh server process (scripts/bench/server.mjs, plain node, built code from dist/)
 * pinned to one CPU, with autocannon (scripts/bench/load.mjs) pinned to the other; the driver itself is
 * pinned to the load generator's CPU, never the server's. lib/options.ts reads the command line,
 * lib/scenario-run.ts and lib/memory-run.ts measure, lib/targets.ts judges and lib/report.ts prints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPinning, installCleanup, LoadGenerator, onExit, pinSelf } from './lib/children.js';
import { benchMeta, Harness, log, PATH } from './lib/harness.js';
import { memoryRun } from './lib/memory-run.js';
import { parseOptions, UsageError, USAGE, type BenchOptions } from './lib/options.js';
import { memoryJson, memoryReport, scenarioJson, scenarioReport } from './lib/report.js';
import { scenarioRun } from './lib/scenario-run.js';
import { memoryTarget, targetsOf } from './lib/targets.js';

function optionsOrExit(): BenchOptions {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

/** Exits when the two CPUs cannot be pinned apart: figures with the load generator on the server's CPU mean nothing. */
function checkCpus(options: BenchOptions): void {
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
}

async function main(options: BenchOptions): Promise<void> {
  const started = performance.now();
  checkCpus(options);
  const workDir = mkdtempSync(join(tmpdir(), 'bearer-guard-bench-'));
  installCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'bearer-guard-bench-profiles-')) : undefined;
  pinSelf(options.loadCpu);
  const meta = benchMeta(options);

  const load = await LoadGenerator.start(options.loadCpu);
  const harness = new Harness(options, load, workDir, profileDir);
  onExit(() => void harness.close());
  log(`server on CPU ${options.serverCpu}, autocannon, this driver and the fake providers on CPU ${options.loadCpu}`);
  try {
    if (options.memory) {
      const memory = await memoryRun(harness);
      const target = memoryTarget(memory, options.oursOptions);
      process.stdout.write(`${options.json ? memoryJson(meta, memory, target) : memoryReport(meta, memory, target)}\n`);
      if (memory.errored) process.exitCode = 1;
    } else {
      const results = await scenarioRun(harness);
      const targets = targetsOf(results, new Set(options.scenarios.map((s) => s.id)));
      process.stdout.write(
        `${options.json ? scenarioJson(meta, results, targets) : scenarioReport(meta, PATH, results, targets, profileDir)}\n`,
      );
      if ([...results.values()].some((r) => r.status === 'failed')) process.exitCode = 1;
    }
  } finally {
    await load.stop();
    await harness.close();
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (profileDir)
    log(
      `CPU profiles: ${profileDir} (summarise with: npx tsx scripts/bench/profile.ts ${profileDir}/<file>.cpuprofile)`,
    );
}

const options = optionsOrExit();
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
// Exit explicitly either way: the exit hook kills whatever child is left, and no idle keep-alive socket
// of fetch() holds the driver open.
main(options).then(
  () => process.exit(),
  (error: unknown) => {
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
