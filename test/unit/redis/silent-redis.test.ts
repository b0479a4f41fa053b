// A Redis that stops answering without closing its connections (the process frozen with SIGSTOP, as in a
// network black hole): checks fail closed, revoke() rejects, and the store serves again once Redis answers.
// Every wait is bounded by a generous limit; nothing here asserts how fast.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAuth } from '../../../src/index.js';
import {
  RedisRevocationStore,
  RevocationStoreUnavailableError,
  type RedisRevocationStoreOptions,
} from '../../../src/redis/index.js';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { eventually } from '../../helpers/eventually.js';
import { bearer, expectUnavailable, send, serve } from '../../helpers/http.js';
import { startRedis, type TestRedis } from '../../helpers/redis-server.js';

let redis: TestRedis;
let raw: Redis;
const stores: RedisRevocationStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  raw.disconnect();
  await redis.stop();
});

/** The default deadline (generous on a loaded machine), checked more often than by default to keep the test quick. */
function options(extra: RedisRevocationStoreOptions = {}): RedisRevocationStoreOptions {
  const name = randomUUID();
  return {
    keyPrefix: `test:${name}:`,
    channel: `test:${name}`,
    healthCheckInterval: 200,
    ...extra,
  };
}

async function connect(settings: RedisRevocationStoreOptions): Promise<RedisRevocationStore> {
  const store = await RedisRevocationStore.connect(redis.url, settings);
  stores.push(store);
  return store;
}

/** Runs `body` with Redis frozen, and lets it run again whatever happens. */
async function whilePaused(body: () => Promise<void>): Promise<void> {
  redis.pause();
  try {
    await body();
  } finally {
    redis.resume();
  }
}

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

describe('a Redis that stops answering', () => {
  test('under fail-closed: checks throw and revoke() rejects; once Redis answers, the store reloads and serves', async () => {
    const settings = options();
    const [a, b] = await Promise.all([connect(settings), connect(settings)]);
    // Written behind B's back (no message): only a full load after the outage can find it.
    await raw.set(`${settings.keyPrefix}unannounced`, String(inFiveMinutes()), 'EX', 300);
    expect(b.isRevoked('unannounced')).toBe(false);

    await whilePaused(async () => {
      await eventually(() => !b.inSync);
      expect(() => b.isRevoked('any')).toThrow(RevocationStoreUnavailableError);
      await expect(a.revoke('during-outage', inFiveMinutes())).rejects.toThrow(RevocationStoreUnavailableError);
    });

    await eventually(() => a.inSync && b.inSync);
    expect(b.isRevoked('unannounced')).toBe(true);
    await a.revoke('after-outage', inFiveMinutes());
    await eventually(() => b.isRevoked('after-outage') === true); // B listens on the channel again
  });

  test('under fail-open: checks answer from the last view while Redis is silent, and revoke() still rejects', async () => {
    const settings = options({ onOutage: 'fail-open' });
    const [a, b] = await Promise.all([connect(settings), connect(settings)]);
    await a.revoke('known', inFiveMinutes());
    await eventually(() => b.isRevoked('known') === true);

    await whilePaused(async () => {
      await eventually(() => !b.inSync);
      expect(b.isRevoked('known')).toBe(true);
      expect(b.isRevoked('other')).toBe(false);
      await expect(b.revoke('during-outage', inFiveMinutes())).rejects.toThrow(RevocationStoreUnavailableError);
    });
    await eventually(() => b.inSync);
  });

  test('a check the full mirror must ask Redis about fails closed when Redis is silent (fail-open: not revoked)', async () => {
    // No health check during the test: the question to Redis is what meets the silence.
    const closed = await connect(options({ maxEntries: 2, healthCheckInterval: 60_000 }));
    const open = await connect(options({ maxEntries: 2, healthCheckInterval: 60_000, onOutage: 'fail-open' }));
    for (const store of [closed, open]) {
      for (const id of ['a', 'b', 'c']) await store.revoke(id, inFiveMinutes());
    }
    await whilePaused(async () => {
      const asked = async (store: RedisRevocationStore) => store.isRevoked('unknown');
      await expect(asked(closed)).rejects.toThrow(RevocationStoreUnavailableError);
      await expect(asked(open)).resolves.toBe(false);
    });
  });

  test('connecting to a silent Redis rejects instead of hanging', async () => {
    await whilePaused(async () => {
      await expect(RedisRevocationStore.connect(redis.url, options())).rejects.toThrow();
    });
  });
});

describe('the guard in front of a silent Redis', () => {
  let idp: FakeProvider;
  beforeAll(async () => {
    idp = await startFakeProvider();
  });
  afterAll(async () => {
    await idp.close();
  });

  test('answers 503 while Redis is silent under fail-closed, and admits the token again once it answers', async () => {
    const revocations = await connect(options());
    const auth = createAuth({ issuer: idp.issuer, audience: 'test-api', realm: 'myorg', revocations });
    const app = express();
    app.get('/any', auth.requireAuth(), (_req, res) => void res.json({ ok: true }));
    const served = await serve(app);
    try {
      const token = await idp.mint();
      const get = () => send(`${served.url}/any`, { headers: bearer(token) });
      for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200); // the last ones from the token cache

      await whilePaused(async () => {
        await eventually(async () => (await get()).status === 503);
        expectUnavailable(await get());
      });
      await eventually(async () => (await get()).status === 200);
    } finally {
      await served.close();
    }
  });
});
