import { describe, expect, test } from '@jest/globals';
import { ratiosOf, type MemoryResult, type ScenarioResult } from '../../scripts/bench/lib/results.js';
import { memoryTarget, targetsOf } from '../../scripts/bench/lib/targets.js';

const MB = 1024 * 1024;

/** A measured scenario with just the figures the targets read. */
function scenario(id: string, rps: number, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    id,
    label: id,
    mode: 'ours',
    alg: 'RS256',
    rotation: 'once',
    status: 'ok',
    flags: [],
    rps,
    rpsPerCpu: rps,
    p99Ms: 10,
    ...extra,
  };
}

const byId = (...results: ScenarioResult[]) => new Map(results.map((r) => [r.id, r]));
const all = (results: ReadonlyMap<string, ScenarioResult>) => new Set(results.keys());

describe('bench targets', () => {
  test('a cold path at 0.95 of its limit meets the limit target and prints both figures', () => {
    const results = byId(scenario('4', 9_500), scenario('L', 10_000), scenario('5c', 8_000));
    const target = targetsOf(results, all(results)).find((t) => t.id === '4-limit')!;
    expect(target.status).toBe('met');
    expect(target.value).toBeCloseTo(0.95);
    expect(target.numbers).toBe('(4) 9,500 req/s vs (L) 10,000 req/s');
  });

  test('a cold path below 0.95 of its limit does not meet it', () => {
    const results = byId(scenario('es4', 9_000), scenario('esL', 10_000), scenario('es5', 8_000));
    const target = targetsOf(results, all(results)).find((t) => t.id === 'es4-limit')!;
    expect(target.status).toBe('not met');
  });

  test('being level with the peer is not being ahead of it', () => {
    const level = byId(scenario('ed4', 8_000), scenario('ed5', 8_000));
    expect(targetsOf(level, all(level)).find((t) => t.id === 'ed4-peer')!.status).toBe('not met');
    const ahead = byId(scenario('ed4', 8_001), scenario('ed5', 8_000));
    expect(targetsOf(ahead, all(ahead)).find((t) => t.id === 'ed4-peer')!.status).toBe('met');
  });

  test('the p99 target of a cache hit is judged on latency, lower being better', () => {
    const results = byId(scenario('1', 20_000, { p99Ms: 10 }), scenario('2', 19_500, { p99Ms: 12.5 }));
    const targets = targetsOf(results, all(results));
    expect(targets.find((t) => t.id === '2-p99')).toMatchObject({ status: 'not met', value: 1.25 });
    expect(targets.find((t) => t.id === '2-rps')).toMatchObject({ status: 'met', value: 0.975 });
  });

  test('a target whose partner did not run is unknown, one with neither selected is left out', () => {
    const results = byId(scenario('4', 9_500));
    const targets = targetsOf(results, all(results));
    expect(targets.find((t) => t.id === '4-limit')).toMatchObject({ status: 'unknown' });
    expect(targets.find((t) => t.id === '4-limit')!.note).toContain('(L)');
    expect(targets.find((t) => t.id === 'es4-limit')).toBeUndefined();
  });

  test('a target computed from a flagged scenario says so, with the per-CPU ratio', () => {
    const results = byId(
      scenario('4', 9_000, { status: 'flagged', rpsPerCpu: 10_000 }),
      scenario('L', 10_000, { rpsPerCpu: 10_000 }),
    );
    const target = targetsOf(results, all(results)).find((t) => t.id === '4-limit')!;
    expect(target.note).toBe('scenario (4) is flagged; per server CPU-second: 1.000×');
  });

  test('ratios are taken in one place, and not from a failed scenario', () => {
    expect(ratiosOf(scenario('4', 5_000, { p99Ms: 20 }), scenario('L', 10_000))).toEqual({
      rps: 0.5,
      rpsPerCpu: 0.5,
      p50: undefined,
      p99: 2,
    });
    expect(ratiosOf(scenario('4', 5_000), scenario('L', 10_000, { status: 'failed' }))).toBeUndefined();
  });

  test('memory: 50 MB of growth meets the target, more does not, and a short run says it is not the target run', () => {
    const run = (growth: number, requests = 1_000_000): MemoryResult =>
      ({
        requests,
        tokens: 100_000,
        guard: 'ours',
        growth,
        baselineRss: 100 * MB,
        flags: [],
        errored: false,
      }) as unknown as MemoryResult;
    expect(memoryTarget(run(50 * MB), undefined)).toMatchObject({ status: 'met', value: 50 });
    expect(memoryTarget(run(50 * MB + 1), undefined).status).toBe('not met');
    expect(memoryTarget(run(10 * MB, 1_000), undefined).note).toContain("not the target's run");
  });
});
