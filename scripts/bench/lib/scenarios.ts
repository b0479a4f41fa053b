import type { ServerMode } from './children.js';
import type { Rotation } from './types.js';

/** One scenario of the default run: which middleware guards the route, and which tokens are sent. */
export interface ScenarioDef {
  /** `1`..`4`, `5a`..`5c`, `c1`, `c2`. */
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

/** Every scenario, in the order of the report. */
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

/** Order of the runs: ours next to its peer, the distinct-token pair last (its tokens are minted after (1)). */
export const RUN_ORDER: readonly string[] = ['1', 'c1', 'c2', '2', '5a', '3', '5b', '4', '5c'];
