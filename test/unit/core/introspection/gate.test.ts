import { describe, expect, test } from '@jest/globals';
import { ProviderUnavailableError } from '../../../../src/core/errors.js';
import { IntrospectionGate } from '../../../../src/core/introspection/gate.js';

/** A promise the test settles itself. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A gate on a clock the test moves, and a request that counts its calls. */
function setup(maxConcurrent = 2, cooldown = 1_000) {
  const clock = { now: 1_000_000 };
  const gate = new IntrospectionGate({ maxConcurrent, cooldown, now: () => clock.now });
  let calls = 0;
  const answer = (value: string) => () => {
    calls++;
    return Promise.resolve(value);
  };
  const failing = () => {
    calls++;
    return Promise.reject(new Error('provider down'));
  };
  return { clock, gate, answer, failing, calls: () => calls };
}

describe('IntrospectionGate', () => {
  test('refuses a request beyond maxConcurrent at once with 503 and Retry-After 1, without running it', async () => {
    const { gate, answer, calls } = setup(2);
    const held = [deferred<string>(), deferred<string>()];
    const running = held.map((d) => gate.run(true, () => d.promise));
    const refused = gate.run(false, answer('x'));
    await expect(refused).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(refused).rejects.toMatchObject({
      status: 503,
      retryAfter: 1,
      message: 'too many introspection requests are in flight',
    });
    expect(calls()).toBe(0);
    held.forEach((d, i) => d.resolve(`r${i}`));
    await expect(Promise.all(running)).resolves.toEqual(['r0', 'r1']);
    await expect(gate.run(true, answer('after'))).resolves.toBe('after'); // the slots are free again
  });

  test('frees a slot when a request fails', async () => {
    const { gate, failing, answer } = setup(1, 0);
    await expect(gate.run(false, failing)).rejects.toThrow('provider down');
    await expect(gate.run(false, answer('ok'))).resolves.toBe('ok');
  });

  test('after a failure, refuses opaque tokens without a request for the cooldown, then asks again', async () => {
    const { clock, gate, failing, answer, calls } = setup(2, 1_500);
    await expect(gate.run(false, failing)).rejects.toThrow('provider down');
    clock.now += 400;
    const refused = gate.run(true, answer('x'));
    await expect(refused).rejects.toMatchObject({
      status: 503,
      retryAfter: 2,
      message: 'the identity provider failed to answer moments ago (introspection cooling down)',
    });
    expect(calls()).toBe(1);
    clock.now += 1_100;
    await expect(gate.run(true, answer('back'))).resolves.toBe('back');
  });

  test('lets a JWT (verified locally) ask during the cooldown', async () => {
    const { gate, failing, answer } = setup();
    await expect(gate.run(true, failing)).rejects.toThrow('provider down');
    await expect(gate.run(false, answer('jwt'))).resolves.toBe('jwt');
  });

  test('with cooldown 0, asks again at once after a failure', async () => {
    const { gate, failing, answer } = setup(2, 0);
    await expect(gate.run(true, failing)).rejects.toThrow('provider down');
    await expect(gate.run(true, answer('again'))).resolves.toBe('again');
  });
});
