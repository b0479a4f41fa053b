/**
 * npm run fuzz -- --seconds N [--seed S] [--save-corpus]
 *
 * Property-based fuzzing with fast-check of token parsing and verification (`createTokenVerifier` over a
 * JWKS of fixed keys) and of the `Authorization` parser (`extractBearerToken`), for N seconds (default 60).
 * The invariants are test/fuzz/harness.ts's: nothing but our typed errors is ever thrown, and no token is
 * accepted unless an independent verifier (jose) finds it signed by a key of the JWKS with valid claims.
 *
 * A run goes in batches of fresh verifiers; each batch has its own seed, printed with any finding so that
 * `--seed` replays it. A finding is shrunk by fast-check, printed, written to test/fuzz/regression/, and the
 * run exits 1. With --save-corpus, the first input of every distinct outcome seen is added to
 * test/fuzz/regression/*.json, which test/fuzz/regression.test.ts replays.
 *
 * Why not Jazzer.js: @jazzer.js/core 4.0.0 installs, but its prebuilt linux-x64 addon needs GLIBC 2.38
 * (`__isoc23_strtol`) and this machine has 2.36; the package ships no sources to rebuild it from, and older
 * versions download their addon from GitHub or build libFuzzer from sources fetched there.
 */
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { headerInputArb, tokenArb } from '../test/fuzz/arbitraries.js';
import { checkHeader, checkToken, createHarnessVerifier, type HeaderInput } from '../test/fuzz/harness.js';
import type { TokenVerifier } from '../src/core/jwt/verify.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    'save-corpus': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error('fuzz: --seconds must be a positive number');
  process.exit(2);
}
const BATCH = 500;
const REGRESSION = new URL('../test/fuzz/regression/', import.meta.url);

/** A corpus entry: an input and what the code made of it when it was saved. */
interface Entry<I> {
  readonly outcome: string;
  readonly expect: Record<string, unknown>;
  readonly input: I;
}

interface Target<I> {
  readonly name: 'tokens' | 'authorization-header';
  readonly arbitrary: fc.Arbitrary<I>;
  /** Checks one input; returns its outcome class and what a replay must find, or throws a violation. */
  check(input: I, verifier: TokenVerifier): Promise<{ outcome: string; expect: Record<string, unknown> }>;
  runs: number;
  readonly seen: Map<string, Entry<I>>;
  readonly counts: Map<string, number>;
}

const targets: [Target<string>, Target<HeaderInput>] = [
  {
    name: 'tokens',
    arbitrary: tokenArb,
    async check(token, verifier) {
      const result = await checkToken(verifier, token);
      return result.accepted
        ? { outcome: 'accepted', expect: { accepted: true } }
        : { outcome: `refused: ${result.message}`, expect: { accepted: false, code: result.code } };
    },
    runs: 0,
    seen: new Map(),
    counts: new Map(),
  },
  {
    name: 'authorization-header',
    arbitrary: headerInputArb,
    async check(input) {
      const result = checkHeader(input);
      const auth = input.rawHeaders.filter(
        (_, i) => i % 2 === 0 && input.rawHeaders[i]!.toLowerCase() === 'authorization',
      ).length;
      const shape = `authorization×${auth} query:${input.sources.query} body:${input.sources.body}`;
      return 'token' in result
        ? { outcome: `token (${shape})`, expect: { token: result.token } }
        : { outcome: `${result.code} (${shape})`, expect: { code: result.code } };
    },
    runs: 0,
    seen: new Map(),
    counts: new Map(),
  },
];

function corpusFile(target: Target<unknown>): URL {
  return new URL(`${target.name}.json`, REGRESSION);
}

function readCorpus<I>(target: Target<I>): Entry<I>[] {
  try {
    return JSON.parse(readFileSync(corpusFile(target as Target<unknown>), 'utf8')) as Entry<I>[];
  } catch {
    return [];
  }
}

async function runBatch<I>(target: Target<I>, seed: number): Promise<fc.RunDetails<[I]>> {
  const verifier = createHarnessVerifier();
  return fc.check(
    fc.asyncProperty(target.arbitrary, async (input) => {
      const { outcome, expect } = await target.check(input, verifier);
      if (!target.seen.has(outcome)) target.seen.set(outcome, { outcome, expect, input });
      target.counts.set(outcome, (target.counts.get(outcome) ?? 0) + 1);
    }),
    { numRuns: BATCH, seed },
  );
}

const started = Date.now();
const deadline = started + seconds * 1000;
let seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
let findings = 0;
let reported = started;
console.log(`fuzz: fast-check ${fc.__version}, ${seconds} s, first seed ${seed}`);

outer: while (Date.now() < deadline) {
  for (const target of targets as Array<Target<unknown>>) {
    const details = await runBatch(target, seed);
    target.runs += details.numRuns;
    if (details.failed) {
      findings++;
      console.error(`\nfuzz: FINDING in ${target.name} (seed ${seed}):\n${fc.defaultReportMessage(details)}`);
      const file = new URL(`finding-${target.name}-${seed}.json`, REGRESSION);
      writeFileSync(
        file,
        `${JSON.stringify([{ outcome: 'finding', expect: {}, input: details.counterexample?.[0] }], null, 2)}\n`,
      );
      console.error(`fuzz: the shrunk input is in ${file.pathname}`);
      break outer;
    }
    seed = (seed + 1) % 2 ** 31;
    if (Date.now() >= deadline) break;
  }
  if (Date.now() - reported >= 60_000) {
    reported = Date.now();
    console.log(
      `fuzz: ${((reported - started) / 1000).toFixed(0)} s, ${targets.map((t) => `${t.name} ${t.runs} runs`).join(', ')}`,
    );
  }
}

const elapsed = (Date.now() - started) / 1000;
for (const target of targets as Array<Target<unknown>>) {
  console.log(`fuzz: ${target.name}: ${target.runs} runs, ${target.seen.size} distinct outcomes`);
  for (const [outcome, count] of [...target.counts].sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(count).padStart(9)}  ${outcome}`);
  if (values['save-corpus']) {
    const corpus = readCorpus(target);
    const known = new Set(corpus.map((e) => e.outcome));
    const added = [...target.seen.values()].filter((e) => !known.has(e.outcome));
    writeFileSync(corpusFile(target), `${JSON.stringify([...corpus, ...added], null, 2)}\n`);
    console.log(`fuzz: ${target.name}: ${added.length} new corpus entries saved`);
  }
}
const total = targets.reduce((n, t) => n + t.runs, 0);
console.log(
  `fuzz: ${total} runs in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s), findings: ${findings}`,
);
process.exit(findings > 0 ? 1 : 0);
