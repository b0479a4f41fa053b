import { describe, expect, test } from '@jest/globals';
import { RevocationMirror } from '../../../src/redis/revocation-mirror.js';

/** A mirror on a clock the test moves, in seconds. */
function mirrorAt(maxEntries: number, start = 1000): { mirror: RevocationMirror; at(seconds: number): void } {
  let now = start * 1000;
  return { mirror: new RevocationMirror(maxEntries, () => now), at: (seconds) => void (now = seconds * 1000) };
}

describe('RevocationMirror', () => {
  test('holds a revocation until its token would have expired, and never one already expired', () => {
    const { mirror, at } = mirrorAt(10);
    mirror.add('a', 1100);
    mirror.add('gone', 900);
    expect(mirror.lookup('a')).toBe(true);
    expect(mirror.lookup('gone')).toBe(false);
    expect(mirror.size).toBe(1);
    at(1100);
    expect(mirror.lookup('a')).toBe(false);
  });

  test('keeps the later expiry when a revocation is added twice', () => {
    const { mirror, at } = mirrorAt(10);
    mirror.add('a', 2000);
    mirror.add('a', 1100);
    at(1500);
    expect(mirror.lookup('a')).toBe(true);
    expect(mirror.size).toBe(1);
  });

  test('forgets expired entries when swept, in order of expiry, keeping live ones', () => {
    const { mirror, at } = mirrorAt(10);
    mirror.add('first', 1100);
    mirror.add('second', 1200);
    mirror.add('third', 1300);
    mirror.sweep();
    expect(mirror.size).toBe(3);
    at(1150);
    mirror.sweep();
    expect(mirror.size).toBe(2);
    at(1250);
    mirror.sweep();
    expect(mirror.size).toBe(1);
    expect(mirror.lookup('third')).toBe(true);
  });

  test('when full, makes room from expired entries first', () => {
    const { mirror, at } = mirrorAt(2);
    mirror.add('old', 1100);
    mirror.add('live', 2000);
    at(1200);
    mirror.add('new', 2000);
    expect(mirror.size).toBe(2);
    expect(mirror.lookup('new')).toBe(true);
    expect(mirror.lookup('other')).toBe(false);
  });

  test('when full of live entries, says it cannot tell until what it left out has expired', () => {
    const { mirror, at } = mirrorAt(2);
    mirror.add('a', 3000);
    mirror.add('b', 3000);
    mirror.add('left-out', 1500);
    expect(mirror.size).toBe(2);
    expect(mirror.lookup('a')).toBe(true);
    expect(mirror.lookup('left-out')).toBeUndefined();
    expect(mirror.lookup('never-revoked')).toBeUndefined();
    at(1500);
    expect(mirror.lookup('never-revoked')).toBe(false);
    expect(mirror.lookup('a')).toBe(true);
  });
});
