import { ratio, type MemoryResult, type ScenarioResult } from './results.js';

/** The targets the benchmark reports (never asserts): each met, not met, or unknown, with its numbers. */
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
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
