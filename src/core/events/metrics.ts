import type { AuthEvent } from './events.js';

/** Attributes of one measurement: string values only, so none can carry more than a word. */
export type MetricAttributes = Readonly<Record<string, string>>;

/**
 * The part of an OpenTelemetry `Meter` (from `@opentelemetry/api`) this library uses, spelt out here so that
 * nobody needs that package for the types: `metrics.getMeter('my-app')` fits as it is.
 */
export interface MetricsMeter {
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): { add(value: number, attributes?: MetricAttributes): void };
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string },
  ): { record(value: number, attributes?: MetricAttributes): void };
}

/** What the library measures; every name starts with `bearer_guard.`. */
export interface MetricsRecorder {
  /** Counts refusals (by reason) and key fetches (by outcome) from the events. */
  event(event: AuthEvent): void;
  /** A verified-token cache lookup: `hit` when the token was verified before. */
  cacheLookup(hit: boolean): void;
  /** How long one admission decision took (ms), and whether the token was admitted. */
  decision(milliseconds: number, admitted: boolean): void;
}

/** Creates the instruments once; recording is then a method call per measurement. */
export function recorderFor(meter: MetricsMeter): MetricsRecorder {
  const refusals = meter.createCounter('bearer_guard.refusals', {
    description: 'Requests and verify() calls refused, by reason',
  });
  const keyFetches = meter.createCounter('bearer_guard.key_fetches', {
    description: "Fetches of an issuer's keys, by outcome (success, failure)",
  });
  const cache = meter.createCounter('bearer_guard.token_cache.lookups', {
    description: 'Verified-token cache lookups, by result (hit, miss)',
  });
  const duration = meter.createHistogram('bearer_guard.verification.duration', {
    description: 'Time to admit or refuse a token',
    unit: 'ms',
  });
  const HIT = { result: 'hit' };
  const MISS = { result: 'miss' };
  const ADMITTED = { outcome: 'admitted' };
  const REFUSED = { outcome: 'refused' };
  return {
    event(event) {
      if (event.type === 'token_refused') refusals.add(1, { reason: event.reason });
      else if (event.type === 'keys_fetched') keyFetches.add(1, { outcome: 'success', issuer: event.issuer });
      else if (event.type === 'keys_fetch_failed')
        keyFetches.add(1, { outcome: 'failure', issuer: event.issuer, cause: event.cause });
    },
    cacheLookup: (hit) => cache.add(1, hit ? HIT : MISS),
    decision: (milliseconds, admitted) => duration.record(milliseconds, admitted ? ADMITTED : REFUSED),
  };
}

function isMeter(value: unknown): value is MetricsMeter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MetricsMeter).createCounter === 'function' &&
    typeof (value as MetricsMeter).createHistogram === 'function'
  );
}

/**
 * The meter for `metrics`: the given one, or with `true` the global meter of `@opentelemetry/api` (a no-op
 * until the application registers an SDK). That package is imported only then, so an application that does
 * not ask for metrics needs not install it. Rejects with a clear message when it is missing.
 */
export async function meterFor(metrics: true | MetricsMeter): Promise<MetricsMeter> {
  if (metrics !== true) return metrics;
  let api: { metrics: { getMeter(name: string): MetricsMeter } };
  try {
    api = (await import('@opentelemetry/api')) as unknown as typeof api;
  } catch (error) {
    throw new Error('"metrics: true" needs the @opentelemetry/api package: npm i @opentelemetry/api', {
      cause: error,
    });
  }
  return api.metrics.getMeter('bearer-guard');
}

/** Checks the `metrics` option: `undefined`/`false` (off), `true`, or a meter. */
export function checkMetricsOption(value: unknown): true | MetricsMeter | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || isMeter(value)) return value;
  throw new TypeError('"metrics" must be true, false or an OpenTelemetry Meter');
}
