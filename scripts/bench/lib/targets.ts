import { ratio, type MemoryResult, type ScenarioResult } from './results.js';

/** The targets the benchmark reports (never asserts): each met, not met, or unknown, with its numbers. */
export interface Target {
  readonly id: string;
  readonly text: string;
  readonly value?: number;
  /** Unit of `value` and `limit`: a ratio (×) unless set. */
  readonly unit?: string;
  readonly limit: number;
  readonly op: '>=' | '<=' | '>';
  readonly status: 'met' | 'not met' | 'unknown';
  /** The figures `value` is computed from, e.g. `(4) 8,120 req/s vs (L) 8,500 req/s`. */
  readonly numbers?: string;
  readonly note?: string;
}

const MB = 1024 * 1024;

/** One scenario's figure over another's, against a limit. */
interface Comparison {
  readonly id: string;
  readonly text: string;
  readonly of: string;
  readonly to: string;
  readonly figure: 'rps' | 'p99Ms';
  readonly op: '>=' | '<=' | '>';
  readonly limit: number;
}

/** A cold path's two targets for one algorithm: near its limit, and ahead of the peer on the same tokens. */
function coldTargets(ours: string, limit: string, peer: string, alg: string): Comparison[] {
  return [
    {
      id: `${ours}-limit`,
      text: `(${ours}) ${alg}, every token distinct: req/s ≥ 0.95 × the ${alg} limit (${limit})`,
      of: ours,
      to: limit,
      figure: 'rps',
      op: '>=',
      limit: 0.95,
    },
    {
      id: `${ours}-peer`,
      text: `(${ours}) ${alg}, every token distinct: req/s ahead of express-oauth2-jwt-bearer (${peer})`,
      of: ours,
      to: peer,
      figure: 'rps',
      op: '>',
      limit: 1,
    },
  ];
}

const cacheHit = (ours: string, alg: string): Comparison => ({
  id: `${ours}-rps`,
  text: `(${ours}) ${alg}, 1 token: req/s ≥ 0.95 × the unprotected route (1)`,
  of: ours,
  to: '1',
  figure: 'rps',
  op: '>=',
  limit: 0.95,
});

const COMPARISONS: readonly Comparison[] = [
  { ...cacheHit('2', 'RS256'), text: '(2) 1 token: req/s ≥ 0.95 × the unprotected route (1)' },
  { id: '2-p99', text: '(2) 1 token: p99 ≤ 1.2 × p99 of (1)', of: '2', to: '1', figure: 'p99Ms', op: '<=', limit: 1.2 },
  { ...cacheHit('3', 'RS256'), text: '(3) 1,000 tokens round-robin: req/s ≥ 0.95 × (1)' },
  ...coldTargets('4', 'L', '5c', 'RS256'),
  cacheHit('es2', 'ES256'),
  ...coldTargets('es4', 'esL', 'es5', 'ES256'),
  cacheHit('ed2', 'EdDSA'),
  ...coldTargets('ed4', 'edL', 'ed5', 'EdDSA'),
];

const holds = (value: number, op: Comparison['op'], limit: number): boolean =>
  op === '>=' ? value >= limit : op === '<=' ? value <= limit : value > limit;

function judge(c: Comparison, results: ReadonlyMap<string, ScenarioResult>): Target {
  const head = { id: c.id, text: c.text, limit: c.limit, op: c.op };
  const a = results.get(c.of);
  const b = results.get(c.to);
  const missing = [c.of, c.to].filter((id) => !results.get(id) || results.get(id)!.status === 'failed');
  if (!a || !b || missing.length)
    return {
      ...head,
      status: 'unknown',
      note: `scenario ${missing.map((i) => `(${i})`).join(', ')} did not run or failed`,
    };
  const value = ratio(a[c.figure], b[c.figure]);
  if (value === undefined) return { ...head, status: 'unknown' };
  const show =
    c.figure === 'rps'
      ? (r: ScenarioResult) => `${Math.round(r.rps!).toLocaleString('en-US')} req/s`
      : (r: ScenarioResult) => `p99 ${r.p99Ms!.toFixed(2)} ms`;
  const untrusted = [a, b].filter((r) => r.status !== 'ok');
  const perCpu = c.figure === 'rps' ? ratio(a.rpsPerCpu, b.rpsPerCpu) : undefined;
  return {
    ...head,
    value,
    status: holds(value, c.op, c.limit) ? 'met' : 'not met',
    numbers: `(${a.id}) ${show(a)} vs (${b.id}) ${show(b)}`,
    ...(untrusted.length
      ? {
          note:
            `scenario ${untrusted.map((r) => `(${r.id})`).join(', ')} is flagged` +
            (perCpu !== undefined ? `; per server CPU-second: ${perCpu.toFixed(3)}×` : ''),
        }
      : {}),
  };
}

/**
 * The targets of the default run: a cache hit as fast as no guard; a cold token as fast as one signature
 * check (the limit scenario of its algorithm) and faster than express-oauth2-jwt-bearer on the same tokens.
 * Only targets whose scenarios were selected are judged; the others are left out.
 */
export function targetsOf(results: ReadonlyMap<string, ScenarioResult>, selected: ReadonlySet<string>): Target[] {
  return COMPARISONS.filter((c) => selected.has(c.of) || selected.has(c.to)).map((c) => judge(c, results));
}

/** The memory run's target: RSS growth from after the warm-up to the end ≤ 50 MB, about our guard with its defaults. */
export function memoryTarget(memory: MemoryResult, oursOptions: string | undefined): Target {
  const notes = [...memory.flags];
  if (memory.requests !== 1_000_000 || memory.tokens !== 100_000)
    notes.push("not the target's run (1,000,000 requests, 100,000 tokens)");
  if (memory.guard !== 'ours' || oursOptions !== undefined)
    notes.push('a comparison run: the target is about our guard with its defaults');
  return {
    id: 'memory',
    text: `RSS growth over ${memory.requests.toLocaleString('en-US')} requests with ${memory.tokens.toLocaleString('en-US')} tokens (end − after warm-up) ≤ 50 MB`,
    value: memory.growth / MB,
    unit: 'MB',
    limit: 50,
    op: '<=',
    status: memory.errored ? 'unknown' : memory.growth <= 50 * MB ? 'met' : 'not met',
    numbers: `RSS ${(memory.baselineRss / MB).toFixed(1)} MB after the warm-up → ${((memory.baselineRss + memory.growth) / MB).toFixed(1)} MB at the end`,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
