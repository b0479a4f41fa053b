/**
 * Replays the fuzzer's corpus (test/fuzz/regression/*.json, written by `npm run fuzz -- --save-corpus`): the
 * first input of every distinct outcome the fuzzer met, and any finding it ever shrank. Each entry must still
 * hold both invariants (test/fuzz/harness.ts) and get the outcome it got when it was saved: accepted or not,
 * and the same error code; for the `Authorization` parser, the same token or error code.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { checkHeader, checkToken, createHarnessVerifier, type HeaderInput } from './harness.js';

interface Entry<I> {
  readonly outcome: string;
  readonly expect: Record<string, unknown>;
  readonly input: I;
}

const DIR = new URL('./regression/', import.meta.url);
const read = <I>(file: string): Entry<I>[] => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Entry<I>[];
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const tokens = files
  .filter((f) => f.startsWith('tokens') || f.startsWith('finding-tokens'))
  .flatMap((f) => read<string>(f));
const headers = files
  .filter((f) => f.startsWith('authorization-header') || f.startsWith('finding-authorization-header'))
  .flatMap((f) => read<HeaderInput>(f));

describe('fuzz corpus: tokens', () => {
  test('holds entries for acceptance and for the main refusals', () => {
    const outcomes = tokens.map((e) => e.outcome);
    expect(outcomes).toContain('accepted');
    expect(outcomes.filter((o) => o.startsWith('refused')).length).toBeGreaterThanOrEqual(20);
  });

  test.each(tokens.map((e) => [e.outcome, e] as const))(
    '%s: same outcome, only typed errors, accepted only if jose agrees',
    async (_outcome, entry) => {
      const result = await checkToken(createHarnessVerifier(), entry.input);
      expect(result.accepted ? { accepted: true } : { accepted: false, code: result.code }).toEqual(
        entry.outcome === 'finding' ? expect.anything() : entry.expect,
      );
    },
  );
});

describe('fuzz corpus: Authorization header', () => {
  test('holds entries for a token, for no credentials and for a malformed request', () => {
    const outcomes = headers.map((e) => e.outcome.split(' ')[0]);
    expect(new Set(outcomes)).toEqual(new Set(['token', 'unauthorized', 'invalid_request']));
  });

  test.each(headers.map((e) => [e.outcome, e] as const))('%s: same outcome, only typed errors', (_outcome, entry) => {
    const result = checkHeader(entry.input);
    if (entry.outcome !== 'finding') expect(result).toEqual(entry.expect);
  });
});
