// What the library reports through onEvent: key fetches (and why they fail), rotations, refusals and outages,
// each with the right shape and nothing of a token in it; and a listener that throws changes no answer.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createAdmission, createAuth, type AdmissionOptions, type AuthEvent } from '../../../../src/index.js';
import { createObserver } from '../../../../src/core/events/observer.js';
import { resolveOptions } from '../../../../src/core/options.js';
import { startFakeProvider, type FakeProvider } from '../../../../src/testing/index.js';
import { freePort } from '../../../helpers/free-port.js';
import { nowSeconds } from '../../../helpers/tokens.js';
import { RSA_1024_JWK } from '../../../security/wycheproof-vectors.js';

let idp: FakeProvider;
let stranger: FakeProvider;

beforeAll(async () => {
  [idp, stranger] = await Promise.all([startFakeProvider(), startFakeProvider()]);
});
afterAll(async () => {
  await Promise.all([idp.close(), stranger.close()]);
});

/** An admission recording its events, and a gate reading the token straight from the "request". */
function observed(options: Partial<AdmissionOptions> = {}) {
  const events: AuthEvent[] = [];
  const admission = createAdmission({
    issuer: idp.issuer,
    audience: 'test-api',
    onEvent: (event) => events.push(event),
    ...options,
  });
  const gate = admission.gate({ checks: [] }, (token: string) => token);
  return { events, admission, gate: async (token: string) => gate(token) };
}

async function refusal(promise: Promise<unknown>): Promise<void> {
  await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    () => undefined,
  );
}

const ofType = <T extends AuthEvent['type']>(events: AuthEvent[], type: T) =>
  events.filter((e): e is Extract<AuthEvent, { type: T }> => e.type === type);

describe('key events', () => {
  test('a fetch reports the issuer, the key count and the skipped keys with their reasons', async () => {
    const { events, admission } = observed();
    idp.setJwksBody(JSON.stringify({ keys: [idp.currentKey.jwk, { ...RSA_1024_JWK, kid: 'weak' }] }));
    try {
      await admission.ready();
    } finally {
      idp.setJwksBody(undefined);
    }
    expect(ofType(events, 'keys_fetched')).toEqual([
      {
        type: 'keys_fetched',
        issuer: idp.issuer,
        keyCount: 1,
        skippedKeys: [{ kid: 'weak', reason: admission.status()[0]!.skippedKeys[0]!.reason }],
      },
    ]);
  });

  test('a rotation reports the kids added, and later those removed', async () => {
    let clock = Date.now();
    const { events, admission, gate } = observed({ now: () => clock, keys: { cooldown: 1_000 } });
    await admission.ready();
    const old = idp.currentKey.kid;
    const fresh = await idp.rotate();
    await gate(await idp.mint());
    expect(ofType(events, 'keys_rotated')).toEqual([
      { type: 'keys_rotated', issuer: idp.issuer, added: [fresh.kid], removed: [] },
    ]);
    idp.unpublish(old);
    clock += 2_000;
    await refusal(gate(await idp.mint({}, { header: { kid: 'not-published' } })));
    expect(ofType(events, 'keys_rotated')[1]).toEqual({
      type: 'keys_rotated',
      issuer: idp.issuer,
      added: [],
      removed: [old],
    });
  });

  test.each([
    ['the provider answers HTTP 500', 'error', 'http_status', 500],
    ['the connection is dropped', 'refuse', expect.stringMatching(/^[A-Z][A-Z_]+$/), undefined],
    ['the provider does not answer in time', 'hang', 'timeout', undefined],
  ] as Array<[string, 'error' | 'refuse' | 'hang', unknown, number | undefined]>)(
    'a failed fetch reports its cause when %s',
    async (_what, outage, cause, status) => {
      const { events, admission } = observed({ keys: { timeout: 300 } });
      idp.setOutage(outage);
      try {
        await refusal(admission.ready());
      } finally {
        idp.setOutage(undefined);
      }
      expect(ofType(events, 'keys_fetch_failed')).toEqual([
        { type: 'keys_fetch_failed', issuer: idp.issuer, cause, status, message: expect.any(String) },
      ]);
    },
  );

  test('a failed fetch reports ECONNREFUSED when nothing listens, and ready() names it', async () => {
    const issuer = `http://127.0.0.1:${await freePort()}/realms/gone`;
    const { events, admission } = observed({ issuer });
    await expect(admission.ready()).rejects.toThrow(
      `${issuer}/.well-known/openid-configuration could not be fetched (ECONNREFUSED)`,
    );
    expect(ofType(events, 'keys_fetch_failed')[0]).toMatchObject({ issuer, cause: 'ECONNREFUSED' });
  });

  test('a failed fetch reports ENOTFOUND when the host name does not resolve', async () => {
    // A fetch failing as Node's does for an unknown host, without asking any resolver (traffic stays local).
    const unresolved = async () => {
      const lookup = Object.assign(new Error('getaddrinfo ENOTFOUND sso.example'), { code: 'ENOTFOUND' });
      throw new TypeError('fetch failed', { cause: lookup });
    };
    const { events, admission } = observed({ fetch: unresolved });
    await expect(admission.ready()).rejects.toThrow('could not be fetched (ENOTFOUND)');
    expect(ofType(events, 'keys_fetch_failed')[0]).toMatchObject({ cause: 'ENOTFOUND', status: undefined });
  });

  test('a JWKS that is not JSON is reported as not_json', async () => {
    const { events, admission } = observed();
    idp.setJwksBody('<html>sign in</html>');
    try {
      await expect(admission.ready()).rejects.toThrow('did not answer JSON');
    } finally {
      idp.setJwksBody(undefined);
    }
    expect(ofType(events, 'keys_fetch_failed')[0]).toMatchObject({ cause: 'not_json' });
  });

  test('a realm unknown to both discovery and Keycloak\'s layout is "no such realm", not unreachable', async () => {
    const issuer = idp.issuer.replace('/realms/myorg', '/realms/nosuch');
    const { events, admission } = observed({ issuer });
    await expect(admission.ready()).rejects.toThrow(
      `no such realm: ${issuer} has no OpenID discovery document and no Keycloak keys (both answered HTTP 404)`,
    );
    expect(ofType(events, 'keys_fetch_failed')[0]).toMatchObject({ cause: 'no_such_realm', status: 404 });
  });

  test('a token needing keys while the provider is down reports provider_unavailable and the refusal', async () => {
    const { events, gate } = observed();
    idp.setOutage('error');
    try {
      await refusal(gate(await idp.mint()));
    } finally {
      idp.setOutage(undefined);
    }
    expect(ofType(events, 'provider_unavailable')).toEqual([
      { type: 'provider_unavailable', issuer: idp.issuer, retryAfter: expect.any(Number) },
    ]);
    expect(ofType(events, 'token_refused')).toEqual([
      { type: 'token_refused', reason: 'provider_unavailable', status: 503, issuer: idp.issuer },
    ]);
  });
});

describe('refusal events', () => {
  test('name the reason and a configured issuer, and nothing of the token', async () => {
    const { events, gate, admission } = observed();
    const expired = await idp.mint({ exp: nowSeconds() - 3_600 });
    const foreign = await stranger.mint();
    await refusal(gate(expired));
    await refusal(gate(foreign));
    await refusal(gate(''));
    await refusal(admission.verify('not.a.token'));
    expect(ofType(events, 'token_refused')).toEqual([
      { type: 'token_refused', reason: 'expired', status: 401, issuer: idp.issuer },
      { type: 'token_refused', reason: 'issuer', status: 401, issuer: undefined },
      { type: 'token_refused', reason: 'malformed', status: 401, issuer: undefined },
      { type: 'token_refused', reason: 'malformed', status: 401, issuer: undefined },
    ]);
    const logged = JSON.stringify(events);
    for (const token of [expired, foreign]) for (const part of token.split('.')) expect(logged).not.toContain(part);
  });

  test('an admitted token reports no refusal', async () => {
    const { events, gate } = observed();
    await gate(await idp.mint());
    expect(ofType(events, 'token_refused')).toEqual([]);
  });
});

describe('a listener that throws', () => {
  test('changes no answer: admitted requests pass, refused ones get their usual 401, ready() resolves', async () => {
    let calls = 0;
    const auth = createAuth({
      issuer: idp.issuer,
      audience: 'test-api',
      onEvent: () => {
        calls++;
        throw new Error('the logger is broken');
      },
    });
    const app = express();
    app.get('/private', auth.requireAuth(), (_req, res) => void res.json({ ok: true }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await auth.ready();
      const admitted = await fetch(`${base}/private`, { headers: { authorization: `Bearer ${await idp.mint()}` } });
      const refused = await fetch(`${base}/private`, { headers: { authorization: 'Bearer a.b.c' } });
      expect([admitted.status, refused.status]).toEqual([200, 401]);
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_token');
      expect(calls).toBeGreaterThanOrEqual(2); // the key fetch and the refusal both reached it
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('without a listener or metrics', () => {
  test('there is no observer, so the admission path builds no event and reads no clock', () => {
    expect(createObserver(undefined, undefined)).toBeUndefined();
    expect(createObserver(undefined, false)).toBeUndefined();
    expect(resolveOptions({ issuer: idp.issuer, audience: 'test-api' }).observer).toBeUndefined();
  });

  test('a bad onEvent or metrics option is refused when the options are read', () => {
    expect(() => createObserver('log', undefined)).toThrow(new TypeError('"onEvent" must be a function'));
    expect(() => createObserver(undefined, 'yes')).toThrow(
      new TypeError('"metrics" must be true, false or an OpenTelemetry Meter'),
    );
  });
});
