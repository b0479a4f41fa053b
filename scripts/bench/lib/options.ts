import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioDef } from './scenarios.js';

/** The command line of `npm run bench`, parsed and checked. */

export const USAGE = `Usage: npm run bench -- [options]

  --duration N       measured seconds per scenario (default 10)
  --warmup N         unmeasured seconds before each scenario (default 1)
  --connections N    autocannon connections (default 50)
  --only IDS         run only these scenarios, e.g. --only 1,4,5c,L (ids: ${SCENARIOS.map((s) => s.id).join(', ')};
                     L, esL, edL: the cold-path limit per algorithm; es…, ed…: ES256 and EdDSA tokens)
  --json             print the results as JSON on stdout (progress still goes to stderr)
  --calibrate        also run two calibration scenarios: a sync and an async no-op middleware (c1, c2)
  --profile          run each server with --cpu-prof (figures are then not representative); prints where
  --distinct N       distinct tokens to mint per algorithm for the distinct-token scenarios (4, 5c, L, es4, …)
                     (default: (1)'s rate × (warm-up + duration) × 1.2)
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

export type MemoryGuard = 'ours' | 'peer' | 'none';

export interface BenchOptions {
  readonly help: boolean;
  readonly duration: number;
  readonly warmup: number;
  /** Whether --warmup was given (the memory run has its own default). */
  readonly warmupGiven: boolean;
  readonly connections: number;
  readonly retries: number;
  readonly quietWait: number;
  readonly distinct: number | undefined;
  readonly serverCpu: number;
  readonly loadCpu: number;
  readonly memory: boolean;
  readonly memoryRequests: number;
  readonly memoryTokens: number;
  readonly json: boolean;
  readonly profile: boolean;
  readonly oursOptions: string | undefined;
  readonly guard: MemoryGuard;
  /** The scenarios of the default run, in display order. */
  readonly scenarios: readonly ScenarioDef[];
}

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function numberOption(
  name: string,
  value: string | undefined,
  fallback: number,
  { integer = true, min = 1 } = {},
): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${value}"`);
  return n;
}

function selectScenarios(only: string | undefined, calibrate: boolean): readonly ScenarioDef[] {
  if (only === undefined) return SCENARIOS.filter((s) => calibrate || !s.calibration);
  const ids = only.split(',').map((s) => s.trim().replace(/^\((.*)\)$/, '$1'));
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length)
    throw new UsageError(`unknown scenario ${unknown.join(', ')}; ids are ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return SCENARIOS.filter((s) => ids.includes(s.id));
}

function checkJsonObject(name: string, value: string | undefined): void {
  if (value === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new UsageError(`--${name} must be a JSON object: ${String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`--${name} must be a JSON object, got ${value}`);
}

/** Parses the command line; throws a {@link UsageError} for anything it cannot run. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
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
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const guard = values.guard ?? 'ours';
  if (guard !== 'ours' && guard !== 'peer' && guard !== 'none')
    throw new UsageError(`--guard must be ours, peer or none, got "${guard}"`);
  checkJsonObject('ours-options', values['ours-options']);
  const options: BenchOptions = {
    help: values.help === true,
    duration: numberOption('duration', values.duration, 10, { integer: false, min: 1 }),
    warmup: numberOption('warmup', values.warmup, 1, { integer: false, min: 0 }),
    warmupGiven: values.warmup !== undefined,
    connections: numberOption('connections', values.connections, 50),
    retries: numberOption('retries', values.retries, 1, { min: 0 }),
    quietWait: numberOption('quiet-wait', values['quiet-wait'], 20, { integer: false, min: 0 }),
    distinct: values.distinct === undefined ? undefined : numberOption('distinct', values.distinct, 0),
    serverCpu: numberOption('server-cpu', values['server-cpu'], 0, { min: 0 }),
    loadCpu: numberOption('load-cpu', values['load-cpu'], 1, { min: 0 }),
    memory: values.memory === true,
    memoryRequests: numberOption('requests', values.requests, 1_000_000),
    memoryTokens: numberOption('tokens', values.tokens, 100_000),
    json: values.json === true,
    profile: values.profile === true,
    oursOptions: values['ours-options'],
    guard,
    scenarios: selectScenarios(values.only, values.calibrate === true),
  };
  if (options.serverCpu === options.loadCpu)
    throw new UsageError("--server-cpu and --load-cpu must differ: the load generator must not share the server's CPU");
  return options;
}
