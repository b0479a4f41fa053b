import { describe, expect, test } from '@jest/globals';
import { Doorkeeper } from '../../../../src/core/cache/doorkeeper.js';

describe('Doorkeeper', () => {
  test('admits a key on its second offer, not its first', () => {
    const doorkeeper = new Doorkeeper();
    expect(doorkeeper.admit('a')).toBe(false);
    expect(doorkeeper.admit('a')).toBe(true);
    expect(doorkeeper.admit('a')).toBe(true);
  });

  test('admits none of a stream of one-off keys', () => {
    const doorkeeper = new Doorkeeper();
    const admitted = Array.from({ length: 10_000 }, (_, i) => doorkeeper.admit(`key-${i}`)).filter(Boolean);
    expect(admitted).toEqual([]);
  });
});
