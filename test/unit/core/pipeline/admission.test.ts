// The framework-neutral admission pipeline: what it decides, and when it decides without a promise.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { extractBearerToken, type BearerRequest } from '../../../../src/core/bearer/extract.js';
import { requireScopes } from '../../../../src/core/claims/requirements.js';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
  ProviderUnavailableError,
} from '../../../../src/core/errors.js';
import { createAdmission, type AdmissionOptions } from '../../../../src/core/pipeline/admission.js';
import type { RevocationStore } from '../../../../src/core/revocation/store.js';
import type { VerifiedToken } from '../../../../src/core/jwt/verified-token.js';
import { startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';

let idp: FakeProvider;
beforeAll(async () => {
  idp = await startFakeProvider();
});
afterAll(async () => {
  await idp.close();
});

const request = (token?: string): BearerRequest => ({
  method: 'GET',
  url: '/x',
  rawHeaders: token === undefined ? [] : ['Authorization', `Bearer ${token}`],
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
});
const extract = (req: BearerRequest) => extractBearerToken(req, { query: false, body: false });
const admission = (overrides: Partial<AdmissionOptions> = {}) =>
  createAdmission({ issuer: idp.issuer, audience: 'test-api', ...overrides });

/** An asynchronous store that counts how often it is asked. */
class CountingStore implements RevocationStore {
  asked = 0;
  readonly revoked = new Set<string>();
  fail = false;
  async revoke(id: string): Promise<void> {
    this.revoked.add(id);
  }
  async isRevoked(id: string): Promise<boolean> {
    this.asked++;
    if (this.fail) throw new Error('store down');
    return this.revoked.has(id);
  }
}

describe('the admission gate', () => {
  test('decides a token verified before without a promise when the store answers synchronously', async () => {
    const gate = admission().gate({ checks: [] }, extract);
    const token = await idp.mint();
    await gate(request(token)); // verified once
    await gate(request(token)); // verified twice: now cached
    const outcome = gate(request(token));
    expect(outcome).not.toBeInstanceOf(Promise);
    expect((outcome as { token: string }).token).toBe(token);
  });

  test('waits (a promise) for a token never seen, and admits it once its key is fetched', async () => {
    const gate = admission().gate({ checks: [] }, extract);
    const outcome = gate(request(await idp.mint({ sub: 'first-sight' })));
    expect(outcome).toBeInstanceOf(Promise);
    expect((await outcome)?.payload.sub).toBe('first-sight');
  });

  test("decides a token never seen without a promise once its issuer's keys are loaded", async () => {
    const auth = admission();
    const gate = auth.gate({ checks: [requireScopes('profile')] }, extract);
    await auth.ready();
    const outcome = gate(request(await idp.mint({ sub: 'cold-but-known-key' })));
    expect(outcome).not.toBeInstanceOf(Promise);
    expect((outcome as VerifiedToken).payload.sub).toBe('cold-but-known-key');
  });

  test('refuses a token never seen without a promise when its signature is forged and its key is loaded', async () => {
    const auth = admission();
    const gate = auth.gate({ checks: [] }, extract);
    await auth.ready();
    const [head, body] = (await idp.mint()).split('.');
    const forged = `${head}.${body}.${Buffer.alloc(256, 7).toString('base64url')}`;
    expect(() => gate(request(forged))).toThrow(InvalidTokenError);
  });

  test('asks an asynchronous revocation store once per request, cached token or not', async () => {
    const store = new CountingStore();
    const gate = admission({ revocations: store }).gate({ checks: [] }, extract);
    const token = await idp.mint();
    for (let i = 1; i <= 4; i++) {
      await gate(request(token));
      expect(store.asked).toBe(i);
    }
  });

  test('refuses a revoked token (401) and fails closed (503) when the store cannot answer', async () => {
    const store = new CountingStore();
    const auth = admission({ revocations: store });
    const gate = auth.gate({ checks: [] }, extract);
    const token = await idp.mint();
    await auth.revoke(await auth.verify(token));
    await expect(gate(request(token))).rejects.toThrow(InvalidTokenError);
    store.fail = true;
    await expect(gate(request(await idp.mint()))).rejects.toThrow(ProviderUnavailableError);
  });

  test("runs the guard's checks after verification: a valid token lacking the scope is a 403", async () => {
    const gate = admission().gate({ checks: [requireScopes('write')] }, extract);
    await expect(Promise.resolve(gate(request(await idp.mint({ scope: 'read' }))))).rejects.toThrow(
      InsufficientScopeError,
    );
  });

  test('lets an anonymous caller through an optional gate, but never a malformed request', async () => {
    const gate = admission().gate({ checks: [], optional: true }, extract);
    expect(gate(request())).toBeUndefined();
    const twice: BearerRequest = {
      ...request('a.b.c'),
      rawHeaders: ['Authorization', 'Bearer a', 'Authorization', 'Bearer b'],
    };
    expect(() => gate(twice)).toThrow(InvalidRequestError);
    expect(() => admission().gate({ checks: [] }, extract)(request())).toThrow(MissingCredentialsError);
  });

  test('refuses to build an introspecting gate without the introspection option', () => {
    expect(() => admission().gate({ checks: [], introspect: true }, extract)).toThrow(
      '"introspection" must be configured',
    );
  });
});
