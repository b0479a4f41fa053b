import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../../../src/testing/index.js';

let idp: FakeProvider;
beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await idp.close();
});

describe('the test kit refuses unknown option keys', () => {
  test('of startFakeProvider, naming the nearest option', async () => {
    await expect(startFakeProvider({ audiences: 'x' } as FakeProviderOptions)).rejects.toThrow(
      new TypeError('unknown option "audiences"; did you mean "audience"?'),
    );
  });

  test('of mint, while its claims and header stay free-form', async () => {
    await expect(idp.mint({}, { expiresInSeconds: 60 } as never)).rejects.toThrow(
      new TypeError('unknown option "expiresInSeconds"; did you mean "expiresIn"?'),
    );
    const token = await idp.mint({ anyClaim: 1 }, { header: { anyMember: 2 } });
    expect(token.split('.')).toHaveLength(3);
  });
});
