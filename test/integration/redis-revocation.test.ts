import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { startDemoServer, type DemoServerProcess } from '../helpers/demo-server.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

/** Revocations shared across demo server processes through a real redis-server. */
describe('revocation shared through Redis', () => {
  let idp: FakeProvider;
  let redis: TestRedis;
  let a: DemoServerProcess;
  let b: DemoServerProcess;
  const servers: DemoServerProcess[] = [];

  const get = (server: DemoServerProcess, token: string) =>
    fetch(`${server.url}/api/private`, { headers: { authorization: `Bearer ${token}` } });
  const logout = (server: DemoServerProcess, token: string) =>
    fetch(`${server.url}/api/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  async function start(extra: NodeJS.ProcessEnv = {}): Promise<DemoServerProcess> {
    const server = await startDemoServer({ ISSUER_URL: idp.issuer, REDIS_URL: redis.url, ...extra });
    servers.push(server);
    return server;
  }
  async function statusWithin(server: DemoServerProcess, token: string, wanted: number, ms: number): Promise<number> {
    const started = Date.now();
    let status = (await get(server, token)).status;
    while (status !== wanted && Date.now() - started < ms) {
      await new Promise((r) => setTimeout(r, 5));
      status = (await get(server, token)).status;
    }
    return status;
  }

  beforeAll(async () => {
    idp = await startFakeProvider();
    redis = await startRedis();
    [a, b] = await Promise.all([start(), start()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await redis.stop();
    await idp.close();
  });

  test('refuses on instance B a token revoked through instance A, and nothing else', async () => {
    const revoked = await idp.mint();
    const other = await idp.mint();
    expect((await get(b, revoked)).status).toBe(200);
    expect((await logout(a, revoked)).status).toBe(200);
    const started = Date.now();
    expect(await statusWithin(b, revoked, 401, 2000)).toBe(401);
    console.log(`instance B refused the revoked token ${Date.now() - started} ms after A answered the logout`);
    const refused = await get(b, revoked);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await refused.json()).toEqual({ error: 'invalid_token', error_description: 'token has been revoked' });
    expect((await get(b, other)).status).toBe(200);
  });

  test('keeps a revocation across a restart of the instance', async () => {
    const token = await idp.mint();
    expect((await logout(a, token)).status).toBe(200);
    await b.stop();
    b = await start();
    expect((await get(b, token)).status).toBe(401);
  }, 30_000);

  test('answers 503 while Redis is down when failing closed, and its last view when failing open', async () => {
    const revoked = await idp.mint();
    const valid = await idp.mint();
    const open = await start({ REDIS_ON_OUTAGE: 'fail-open' });
    expect((await logout(a, revoked)).status).toBe(200);
    expect(await statusWithin(open, revoked, 401, 2000)).toBe(401);

    await redis.stop();
    // B notices the closed connection asynchronously: wait for it (bounded), then read the whole answer.
    expect(await statusWithin(b, valid, 503, 2000)).toBe(503);
    const closed = await get(b, valid);
    expect(closed.status).toBe(503);
    expect(closed.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await closed.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await get(open, valid)).status).toBe(200);
    expect((await get(open, revoked)).status).toBe(401);

    await redis.restart();
    expect(await statusWithin(b, valid, 200, 20_000)).toBe(200);
  }, 60_000);
});
