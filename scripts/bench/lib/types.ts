/** What scripts/bench/load.mjs answers for one run (warm-up, then the measured part). */

export type Rotation = 'fixed' | 'cycle' | 'once';

export interface RunSpec {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly path: string;
  /** Name of a token pool loaded with `tokens`, or null to send no token. */
  readonly tokens: string | null;
  readonly rotation: Rotation;
  readonly connections: number;
  /** Seconds of unmeasured load first (0: none). */
  readonly warmup: number;
  /** Seconds of measured load, unless `amount` is set. */
  readonly duration: number;
  /** Measured requests instead of a duration. */
  readonly amount?: number;
  /** Report progress every this many responses. */
  readonly progressEvery?: number;
}

export interface LatencyUs {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

export interface WarmupResult {
  readonly responses: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
  readonly rps: number;
}

export interface TokenUse {
  readonly pool: number;
  readonly rotation: Rotation;
  /** Tokens handed to requests during the run, warm-up included (a few more than responses: in flight at the end). */
  readonly sent: number;
  readonly sentMeasured: number;
  /** Sends of a token already sent in this run. Always 0 for `once` unless the pool ran out. */
  readonly repeatedSends: number;
  readonly distinctSent: number;
  readonly exhausted: boolean;
}

export interface LoadResult {
  readonly warmup: WarmupResult | undefined;
  /** Seconds the measured part took. */
  readonly elapsed: number;
  readonly responses: number;
  /** 2xx responses. */
  readonly ok: number;
  readonly rps: number;
  readonly okRps: number;
  readonly latencyUs: LatencyUs;
  readonly statusCodes: Record<string, number>;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly errorSamples: readonly string[];
  readonly autocannon: { readonly requestsAverage: number; readonly latencyP99Ms: number; readonly duration: number };
  readonly tokens: TokenUse;
}

export interface PoolInfo {
  readonly name: string;
  readonly count: number;
  readonly distinct: number;
  readonly bytes: number;
}

/** Messages from load.mjs. */
export type LoadMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'event'; readonly id: number; readonly event: 'measure-start' | 'measure-end' }
  | { readonly type: 'event'; readonly id: number; readonly event: 'progress'; readonly responses: number };
