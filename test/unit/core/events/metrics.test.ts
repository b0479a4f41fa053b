// Metrics through a real OpenTelemetry SDK (MeterProvider, in-memory exporter): refusals by reason, key
// fetches by outcome, verified-token cache hits and misses, decision durations; with a Meter given, or with
// `metrics: true` and the global meter of @opentelemetry/api.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { createAdmission, type AdmissionOptions } from '../../../../src/index.js';
import { startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';
import { nowSeconds } from '../../../helpers/tokens.js';

let idp: FakeProvider;
let exporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let provider: MeterProvider;

beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await idp.close();
});
beforeEach(() => {
  exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when flushed by the test: an interval longer than any run.
  reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
});
afterEach(async () => {
  metrics.disable();
  await provider.shutdown();
});

/** Every data point exported so far, by metric name: `[attributes, value]`. */
async function exported(): Promise<Map<string, Array<[Record<string, unknown>, unknown]>>> {
  await reader.forceFlush();
  const byName = new Map<string, Array<[Record<string, unknown>, unknown]>>();
  for (const resource of exporter.getMetrics())
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics)
        byName.set(
          metric.descriptor.name,
          (metric.dataPoints as DataPoint<unknown>[]).map((p) => [p.attributes, p.value]),
        );
  return byName;
}

async function exercise(options: Partial<AdmissionOptions>): Promise<void> {
  const admission = createAdmission({ issuer: idp.issuer, audience: 'test-api', ...options });
  await admission.ready();
  const gate = admission.gate({ checks: [] }, (token: string) => token);
  const token = await idp.mint();
  await gate(token); // a miss: verified (the cache keeps tokens seen twice, see doorkeeper.ts)
  await gate(token); // a miss again: verified, then cached
  await gate(token); // a hit
  const expired = await idp.mint({ exp: nowSeconds() - 3_600 });
  // Its key is loaded, so the gate refuses it synchronously: a throw, not a rejected promise.
  await Promise.resolve()
    .then(() => gate(expired))
    .catch(() => undefined);
}

describe('metrics', () => {
  test('a given Meter records refusals by reason, key fetches, cache hits and misses and durations', async () => {
    await exercise({ metrics: provider.getMeter('test') });
    const points = await exported();
    expect(points.get('bearer_guard.refusals')).toEqual([[{ reason: 'expired' }, 1]]);
    expect(points.get('bearer_guard.key_fetches')).toEqual([[{ outcome: 'success', issuer: idp.issuer }, 1]]);
    expect(points.get('bearer_guard.token_cache.lookups')).toEqual(
      expect.arrayContaining([
        [{ result: 'miss' }, 3],
        [{ result: 'hit' }, 1],
      ]),
    );
    const durations = new Map(
      points.get('bearer_guard.verification.duration')!.map(([a, v]) => [a.outcome, (v as Histogram).count]),
    );
    expect(Object.fromEntries(durations)).toEqual({ admitted: 3, refused: 1 });
  });

  test('metrics: true uses the global meter of @opentelemetry/api, once the application registers an SDK', async () => {
    metrics.setGlobalMeterProvider(provider);
    await exercise({ metrics: true });
    expect((await exported()).get('bearer_guard.refusals')).toEqual([[{ reason: 'expired' }, 1]]);
  });

  test('a failed key fetch is counted with its cause', async () => {
    const admission = createAdmission({
      issuer: idp.issuer.replace('/realms/myorg', '/realms/nosuch'),
      audience: 'test-api',
      metrics: provider.getMeter('test'),
    });
    await admission.ready().catch(() => undefined);
    expect((await exported()).get('bearer_guard.key_fetches')).toEqual([
      [
        { outcome: 'failure', issuer: idp.issuer.replace('/realms/myorg', '/realms/nosuch'), cause: 'no_such_realm' },
        1,
      ],
    ]);
  });
});
