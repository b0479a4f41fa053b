import type { LoadResult, Rotation } from './types.js';
import type { ServerMode } from './children.js';

/** One scenario of the default run, as defined by issue 6. */
export interface ScenarioDef {
  /** `1`..`4`, `5a`..`5c`. */
  readonly id: string;
  readonly label: string;
  readonly mode: ServerMode;
  readonly pool: 'thousand' | 'distinct';
  readonly rotation: Rotation;
  /** For our scenarios: the peer scenario with the same tokens. */
  readonly peer?: string;
  /** Only with --calibrate. */
  readonly calibration?: boolean;
}

export const SCENARIOS: readonly ScenarioDef[] = [
  { id: '1', label: 'unprotected route (ceiling)', mode: 'none', pool: 'thousand', rotation: 'fixed' },
  { id: '2', label: 'bearer-guard, 1 token', mode: 'ours', pool: 'thousand', rotation: 'fixed', peer: '5a' },
  {
    id: '3',
    label: 'bearer-guard, 1,000 tokens round-robin',
    mode: 'ours',
    pool: 'thousand',
    rotation: 'cycle',
    peer: '5b',
  },
  {
    id: '4',
    label: 'bearer-guard, every token distinct',
    mode: 'ours',
    pool: 'distinct',
    rotation: 'once',
    peer: '5c',
  },
  { id: '5a', label: 'express-oauth2-jwt-bearer, 1 token', mode: 'peer', pool: 'thousand', rotation: 'fixed' },
  { id: '5b', label: 'express-oauth2-jwt-bearer, 1,000 tokens', mode: 'peer', pool: 'thousand', rotation: 'cycle' },
  {
    id: '5c',
    label: 'express-oauth2-jwt-bearer, every token distinct',
    mode: 'peer',
    pool: 'distinct',
    rotation: 'once',
  },
  // Calibration (--calibrate): what a middleware costs here at all, with no verification.
  {
    id: 'c1',
    label: 'calibration: sync no-op middleware, 1 token',
    mode: 'noop-sync',
    pool: 'thousand',
    rotation: 'fixed',
    calibration: true,
  },
  {
    id: 'c2',
    label: 'calibration: async no-op middleware, 1 token',
    mode: 'noop-async',
    pool: 'thousand',
    rotation: 'fixed',
    calibration: true,
  },
];

export interface CpuUse {
  /** CPU of the server process, as a fraction of one CPU. */
  readonly server: number;
  /** CPU of its main (JavaScript) thread; the rest went to V8's GC helpers and the libuv pool. */
  readonly serverMain: number;
  /** CPU of the load generator process. */
  readonly load: number;
  /** Busy time of the server's CPU not spent by the server (other processes, interrupts). */
  readonly serverCpuOther: number;
}

/** Garbage collection in the server during the measured part (main-thread pauses, from a PerformanceObserver). */
export interface GcUse {
  readonly minor: number;
  readonly major: number;
  readonly incremental: number;
  readonly pauseMs: number;
  readonly pauseUsPerRequest: number;
}

export interface ScenarioResult {
  readonly id: string;
  readonly label: string;
  readonly mode: ServerMode;
  readonly rotation: Rotation;
  /** The peer scenario with the same tokens (for ours). */
  readonly peer?: string;
  /** `failed`: no figures (the server did not start or answer correctly); `flagged`: figures not to be trusted. */
  readonly status: 'ok' | 'flagged' | 'failed';
  readonly flags: readonly string[];
  /** How many times it ran (more than once when other work disturbed the server's CPU). */
  readonly attempts?: number;
  readonly error?: string;
  readonly rps?: number;
  /** Responses per second of server CPU time: the same rate, insensitive to CPU stolen by other work. */
  readonly rpsPerCpu?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly rss?: {
    readonly before: number;
    readonly after: number;
    readonly peak: number;
    readonly heapUsedAfter?: number;
  };
  readonly cpu?: CpuUse;
  readonly gc?: GcUse;
  readonly load?: LoadResult;
}

export interface Ratios {
  readonly rps?: number;
  readonly p50?: number;
  readonly p99?: number;
}

export interface Target {
  readonly id: string;
  readonly text: string;
  readonly value?: number;
  /** Unit of `value` and `limit`: a ratio (×) unless set. */
  readonly unit?: string;
  readonly limit: number;
  readonly op: '>=' | '<=';
  readonly status: 'met' | 'not met' | 'unknown';
  readonly note?: string;
}

const MB = 1024 * 1024;

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

export function ratiosOf(result: ScenarioResult, base: ScenarioResult | undefined): Ratios {
  if (!base || result.status === 'failed' || base.status === 'failed') return {};
  return {
    rps: ratio(result.rps, base.rps),
    p50: ratio(result.p50Ms, base.p50Ms),
    p99: ratio(result.p99Ms, base.p99Ms),
  };
}

/** Why a scenario's figures should not be trusted; empty when they can be. */
export function flagsOf(load: LoadResult, cpu: CpuUse | undefined): string[] {
  const flags: string[] = [];
  const codes = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n}×${code}`)
      .join(', ');
  if (load.non2xx > 0) flags.push(`${load.non2xx} non-2xx responses (${codes(load.statusCodes)})`);
  if (load.errors > 0)
    flags.push(
      `${load.errors} request errors (${load.timeouts} timeouts)${load.errorSamples.length ? `: ${load.errorSamples[0]}` : ''}`,
    );
  if (load.warmup && (load.warmup.non2xx > 0 || load.warmup.errors > 0)) {
    flags.push(
      `warm-up: ${load.warmup.non2xx} non-2xx (${codes(load.warmup.statusCodes)}), ${load.warmup.errors} errors`,
    );
  }
  if (load.responses === 0) flags.push('no responses');
  if (load.tokens.rotation === 'once' && load.tokens.repeatedSends > 0) {
    flags.push(`token pool exhausted: ${load.tokens.repeatedSends} tokens sent twice, run stopped early`);
  }
  if (cpu) {
    if (cpu.load >= 0.95)
      flags.push(`load generator saturated (${pct(cpu.load)} CPU): the server may not be the limit`);
    if (cpu.server < 0.9) flags.push(`server not saturated (${pct(cpu.server)} CPU)`);
    if (cpu.serverCpuOther >= 0.15) flags.push(`other work on the server's CPU (${pct(cpu.serverCpuOther)})`);
  }
  return flags;
}

export function targetsOf(results: ReadonlyMap<string, ScenarioResult>): Target[] {
  const get = (id: string) => results.get(id);
  const usable = (...ids: string[]) => ids.every((id) => get(id) && get(id)!.status !== 'failed');
  const trusted = (...ids: string[]) => ids.every((id) => get(id)?.status === 'ok');
  const perCpu = (a: string, b: string) => () => ratio(get(a)?.rpsPerCpu, get(b)?.rpsPerCpu);
  function target(
    id: string,
    text: string,
    ids: string[],
    value: () => number | undefined,
    op: '>=' | '<=',
    limit: number,
    normalised?: () => number | undefined,
  ): Target {
    if (!usable(...ids))
      return {
        id,
        text,
        limit,
        op,
        status: 'unknown',
        note: `scenario ${ids
          .filter((i) => !usable(i))
          .map((i) => `(${i})`)
          .join(', ')} did not run or failed`,
      };
    const v = value();
    if (v === undefined) return { id, text, limit, op, status: 'unknown' };
    const met = op === '>=' ? v >= limit : v <= limit;
    const untrusted = ids.filter((i) => !trusted(i));
    return {
      id,
      text,
      value: v,
      limit,
      op,
      status: met ? 'met' : 'not met',
      ...(untrusted.length
        ? {
            note:
              `scenario ${untrusted.map((i) => `(${i})`).join(', ')} is flagged` +
              (normalised?.() !== undefined ? `; per server CPU-second: ${normalised()!.toFixed(3)}×` : ''),
          }
        : {}),
    };
  }
  return [
    target(
      '2-rps',
      '(2) 1 token: req/s ≥ 0.95 × (1)',
      ['1', '2'],
      () => ratio(get('2')?.rps, get('1')?.rps),
      '>=',
      0.95,
      perCpu('2', '1'),
    ),
    target(
      '3-rps',
      '(3) 1,000 tokens: req/s ≥ 0.95 × (1)',
      ['1', '3'],
      () => ratio(get('3')?.rps, get('1')?.rps),
      '>=',
      0.95,
      perCpu('3', '1'),
    ),
    target(
      '4-rps',
      '(4) all distinct: req/s ≥ 0.75 × (1)',
      ['1', '4'],
      () => ratio(get('4')?.rps, get('1')?.rps),
      '>=',
      0.75,
      perCpu('4', '1'),
    ),
    target(
      '4-peer',
      '(4) all distinct: req/s ≥ 1.5 × peer (5c)',
      ['4', '5c'],
      () => ratio(get('4')?.rps, get('5c')?.rps),
      '>=',
      1.5,
      perCpu('4', '5c'),
    ),
    target(
      '2-p99',
      '(2) 1 token: p99 ≤ 1.2 × p99 of (1)',
      ['1', '2'],
      () => ratio(get('2')?.p99Ms, get('1')?.p99Ms),
      '<=',
      1.2,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------- formatting

export const pct = (x: number): string => `${Math.round(x * 100)}%`;
const int = (x: number | undefined): string => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(2));
const times = (x: number | undefined): string => (x === undefined ? '—' : `${x.toFixed(2)}×`);
export const mb = (bytes: number | undefined): string => (bytes === undefined ? '—' : (bytes / MB).toFixed(1));

/** A plain-text table: first row is the header; columns right-aligned except those in `left`. */
export function table(rows: readonly (readonly string[])[], left: ReadonlySet<number> = new Set([0, 1])): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - [...cell].length);
        return left.has(c) ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  const sep = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

export function resultsTable(results: readonly ScenarioResult[]): string {
  const byId = new Map(results.map((r) => [r.id, r]));
  const base = byId.get('1');
  const rows: string[][] = [
    [
      '#',
      'scenario',
      'req/s',
      '×(1)',
      '×peer',
      'p50 ms',
      '×(1)',
      '×peer',
      'p99 ms',
      '×(1)',
      '×peer',
      'RSS MB before→after',
      'status',
    ],
  ];
  for (const r of results) {
    const toBase = r.id === '1' ? {} : ratiosOf(r, base);
    const toPeer = r.peer ? ratiosOf(r, byId.get(r.peer)) : {};
    rows.push([
      `(${r.id})`,
      r.label,
      r.status === 'failed' ? 'FAILED' : int(r.rps),
      times(toBase.rps),
      times(toPeer.rps),
      ms(r.p50Ms),
      times(toBase.p50),
      times(toPeer.p50),
      ms(r.p99Ms),
      times(toBase.p99),
      times(toPeer.p99),
      r.rss ? `${mb(r.rss.before)} → ${mb(r.rss.after)}` : '—',
      r.status === 'ok' ? 'ok' : r.status === 'flagged' ? 'FLAGGED' : 'FAILED',
    ]);
  }
  return table(rows);
}

export function healthTable(results: readonly ScenarioResult[]): string {
  const rows: string[][] = [
    [
      '#',
      'responses',
      '2xx',
      'non-2xx',
      'errors',
      'tokens sent (distinct / repeated)',
      'server CPU',
      '(main thread)',
      'load CPU',
      'other on server CPU',
      'req/CPU-s',
      '×(1)',
      'GC µs/req',
      'GCs minor/major',
      'peak RSS MB',
    ],
  ];
  const base = results.find((r) => r.id === '1');
  for (const r of results) {
    const l = r.load;
    rows.push([
      `(${r.id})`,
      int(l?.responses),
      int(l?.ok),
      int(l?.non2xx),
      int(l?.errors),
      l
        ? `${int(l.tokens.sent)} (${int(l.tokens.distinctSent)} / ${int(l.tokens.repeatedSends)}) ${l.tokens.rotation}`
        : '—',
      r.cpu ? pct(r.cpu.server) : '—',
      r.cpu ? pct(r.cpu.serverMain) : '—',
      r.cpu ? pct(r.cpu.load) : '—',
      r.cpu ? pct(Math.max(0, r.cpu.serverCpuOther)) : '—',
      int(r.rpsPerCpu),
      r.id === '1' ? '—' : times(ratio(r.rpsPerCpu, base?.rpsPerCpu)),
      r.gc ? r.gc.pauseUsPerRequest.toFixed(1) : '—',
      r.gc ? `${r.gc.minor}/${r.gc.major}` : '—',
      mb(r.rss?.peak),
    ]);
  }
  return table(rows, new Set([0, 5]));
}

export function targetsText(targets: readonly Target[]): string {
  return targets
    .map((t) => {
      const mark = t.status === 'met' ? '[met]    ' : t.status === 'not met' ? '[NOT MET]' : '[unknown]';
      const op = t.op === '>=' ? '≥' : '≤';
      const value =
        t.value === undefined
          ? ''
          : t.unit
            ? `: ${t.value.toFixed(1)} ${t.unit} (limit ${op} ${t.limit} ${t.unit})`
            : `: ${t.value.toFixed(3)}× (limit ${op} ${t.limit}×)`;
      return `  ${mark} ${t.text}${value}${t.note ? `  — ${t.note}` : ''}`;
    })
    .join('\n');
}
