import type { ServerMode } from './children.js';
import type { Alg } from './scenarios.js';
import type { LoadResult, Rotation } from './types.js';

/** What one scenario measured, and the one place ratios between two scenarios are taken. */

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
  readonly alg: Alg;
  readonly rotation: Rotation;
  /** The peer scenario with the same tokens (for ours). */
  readonly peer?: string;
  /** The cold-path limit scenario of the same algorithm (for guarded scenarios). */
  readonly limit?: string;
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

/** One scenario over another: above 1 is better for the rates, below 1 for the latencies. */
export interface Ratios {
  readonly rps?: number;
  readonly rpsPerCpu?: number;
  readonly p50?: number;
  readonly p99?: number;
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 || Number.isNaN(a) || Number.isNaN(b) ? undefined : a / b;
}

/** `result` over `base`; undefined when either is missing or failed. */
export function ratiosOf(result: ScenarioResult, base: ScenarioResult | undefined): Ratios | undefined {
  if (!base || result.status === 'failed' || base.status === 'failed') return undefined;
  return {
    rps: ratio(result.rps, base.rps),
    rpsPerCpu: ratio(result.rpsPerCpu, base.rpsPerCpu),
    p50: ratio(result.p50Ms, base.p50Ms),
    p99: ratio(result.p99Ms, base.p99Ms),
  };
}

export const pct = (x: number): string => `${Math.round(x * 100)}%`;

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

/** One reading of the memory run. */
export interface Checkpoint {
  readonly label: string;
  readonly responses: number;
  readonly rss: number;
  readonly peakRss: number;
  readonly heapUsed?: number;
  readonly heapTotal?: number;
  readonly external?: number;
}

/** What the memory run measured. */
export interface MemoryResult {
  readonly guard: 'ours' | 'peer' | 'none';
  readonly requests: number;
  readonly tokens: number;
  /** Seconds of warm-up over 1,000 other tokens. */
  readonly warmup: number;
  readonly load: LoadResult;
  readonly cpu: CpuUse | undefined;
  /** Idle, after the warm-up (when there was one), the progress readings, the end and the end after a full GC. */
  readonly checkpoints: readonly Checkpoint[];
  /** RSS after the warm-up (idle without one): the baseline of the growth judged. */
  readonly baselineRss: number;
  readonly growth: number;
  readonly growthFromIdle: number;
  readonly peakGrowth: number;
  readonly flags: readonly string[];
  readonly errored: boolean;
}
