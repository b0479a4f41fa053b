import type { ServerMode } from './children.js';
import type { Rotation } from './types.js';

/**
 * The signing algorithms of the benchmark's tokens: RS256, Keycloak's default, and ES256 and EdDSA, which a
 * Keycloak realm can sign with instead. Each has its own fake provider and its own cold-path limit.
 */
export const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type Alg = (typeof ALGORITHMS)[number];

/** One scenario of the default run: which middleware guards the route, and which tokens are sent. */
export interface ScenarioDef {
  /** `1`..`4`, `5a`..`5c`, `L`; `es…`/`ed…` for ES256/EdDSA; `c1`, `c2`. */
  readonly id: string;
  readonly label: string;
  readonly mode: ServerMode;
  /** The algorithm of the tokens sent (and of the provider's key the server trusts). */
  readonly alg: Alg;
  readonly pool: 'thousand' | 'distinct';
  readonly rotation: Rotation;
  /** For our scenarios: the peer scenario with the same tokens. */
  readonly peer?: string;
  /** For guarded scenarios: the cold-path limit scenario of the same algorithm. */
  readonly limit?: string;
  /** Only with --calibrate. */
  readonly calibration?: boolean;
}

const distinct = { pool: 'distinct', rotation: 'once' } as const;
const oneToken = { pool: 'thousand', rotation: 'fixed' } as const;

/** Our guard with 1 token and with distinct tokens, the peer and the limit with those distinct tokens. */
function algorithmScenarios(prefix: string, alg: Alg): ScenarioDef[] {
  const limit = `${prefix}L`;
  return [
    { id: `${prefix}2`, label: `bearer-guard, ${alg}, 1 token`, mode: 'ours', alg, ...oneToken, limit },
    {
      id: `${prefix}4`,
      label: `bearer-guard, ${alg}, every token distinct`,
      mode: 'ours',
      alg,
      ...distinct,
      peer: `${prefix}5`,
      limit,
    },
    {
      id: `${prefix}5`,
      label: `express-oauth2-jwt-bearer, ${alg}, every token distinct`,
      mode: 'peer',
      alg,
      ...distinct,
      limit,
    },
    { id: limit, label: `limit: one ${alg} check, every token distinct`, mode: 'limit', alg, ...distinct },
  ];
}

/** Every scenario, in the order of the report. */
export const SCENARIOS: readonly ScenarioDef[] = [
  { id: '1', label: 'unprotected route (ceiling)', mode: 'none', alg: 'RS256', ...oneToken },
  { id: '2', label: 'bearer-guard, 1 token', mode: 'ours', alg: 'RS256', ...oneToken, peer: '5a', limit: 'L' },
  {
    id: '3',
    label: 'bearer-guard, 1,000 tokens round-robin',
    mode: 'ours',
    alg: 'RS256',
    pool: 'thousand',
    rotation: 'cycle',
    peer: '5b',
    limit: 'L',
  },
  {
    id: '4',
    label: 'bearer-guard, every token distinct',
    mode: 'ours',
    alg: 'RS256',
    ...distinct,
    peer: '5c',
    limit: 'L',
  },
  {
    id: '5a',
    label: 'express-oauth2-jwt-bearer, 1 token',
    mode: 'peer',
    alg: 'RS256',
    ...oneToken,
    limit: 'L',
  },
  {
    id: '5b',
    label: 'express-oauth2-jwt-bearer, 1,000 tokens',
    mode: 'peer',
    alg: 'RS256',
    pool: 'thousand',
    rotation: 'cycle',
    limit: 'L',
  },
  {
    id: '5c',
    label: 'express-oauth2-jwt-bearer, every token distinct',
    mode: 'peer',
    alg: 'RS256',
    ...distinct,
    limit: 'L',
  },
  // The cold-path limit: a synchronous middleware doing only what no guard can skip for a token never seen
  // (scripts/bench/server.mjs, mode `limit`). No guard can beat it on distinct tokens.
  { id: 'L', label: 'limit: one RS256 check, every token distinct', mode: 'limit', alg: 'RS256', ...distinct },
  ...algorithmScenarios('es', 'ES256'),
  ...algorithmScenarios('ed', 'EdDSA'),
  // Calibration (--calibrate): what a middleware costs here at all, with no verification.
  {
    id: 'c1',
    label: 'calibration: sync no-op middleware, 1 token',
    mode: 'noop-sync',
    alg: 'RS256',
    ...oneToken,
    calibration: true,
  },
  {
    id: 'c2',
    label: 'calibration: async no-op middleware, 1 token',
    mode: 'noop-async',
    alg: 'RS256',
    ...oneToken,
    calibration: true,
  },
];

/**
 * Order of the runs: ours next to its peer; the distinct-token scenarios of an algorithm together, after
 * (1) (their tokens are minted from its rate) and beside their limit; one algorithm after the other, so the
 * load generator holds one algorithm's distinct tokens at a time.
 */
export const RUN_ORDER: readonly string[] = [
  '1',
  'c1',
  'c2',
  '2',
  '5a',
  '3',
  '5b',
  'L',
  '4',
  '5c',
  'es2',
  'esL',
  'es4',
  'es5',
  'ed2',
  'edL',
  'ed4',
  'ed5',
];
