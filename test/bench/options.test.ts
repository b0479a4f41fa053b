import { describe, expect, test } from '@jest/globals';
import { parseOptions, UsageError } from '../../scripts/bench/lib/options.js';

describe('bench options', () => {
  test('the default run holds the limits and the ES256 and EdDSA scenarios, not the no-op calibrations', () => {
    const ids = parseOptions([]).scenarios.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['1', '4', '5c', 'L', 'es4', 'esL', 'es5', 'ed4', 'edL', 'ed5']));
    expect(ids).not.toContain('c1');
    expect(parseOptions(['--calibrate']).scenarios.map((s) => s.id)).toContain('c1');
  });

  test('--only selects scenarios by id, with or without parentheses', () => {
    expect(parseOptions(['--only', '(4), L,esL']).scenarios.map((s) => s.id)).toEqual(['4', 'L', 'esL']);
  });

  test('every guarded scenario of an algorithm names that algorithm’s limit', () => {
    for (const s of parseOptions([]).scenarios.filter((s) => s.mode === 'ours' || s.mode === 'peer')) {
      const limit = parseOptions(['--only', s.limit!]).scenarios[0]!;
      expect(limit).toMatchObject({ mode: 'limit', alg: s.alg, pool: 'distinct' });
    }
  });

  test.each([
    [['--only', '9'], /unknown scenario 9/],
    [['--duration', '0'], /--duration must be a number ≥ 1/],
    [['--connections', '1.5'], /--connections must be a whole number/],
    [['--guard', 'jose'], /--guard must be ours, peer or none/],
    [['--ours-options', '[1]'], /--ours-options must be a JSON object/],
    [['--server-cpu', '1', '--load-cpu', '1'], /must differ/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with a clear message', (args, message) => {
    expect(() => parseOptions(args)).toThrow(UsageError);
    expect(() => parseOptions(args)).toThrow(message);
  });
});
