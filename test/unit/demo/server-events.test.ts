// The demo server logs the library's events, one line each, with nothing of a token in them.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startFakeProvider, type FakeProvider } from '../../../src/testing/index.js';
import { eventLine } from '../../../src/demo/event-log.js';
import { startDemoServer, type DemoServerProcess } from '../../helpers/demo-server.js';
import { eventually } from '../../helpers/eventually.js';
import { nowSeconds } from '../../helpers/tokens.js';

let idp: FakeProvider;
let demo: DemoServerProcess;

beforeAll(async () => {
  idp = await startFakeProvider();
  demo = await startDemoServer({ ISSUER_URL: idp.issuer, AUDIENCE: 'test-api' });
});
afterAll(async () => {
  await demo?.stop();
  await idp.close();
});

test('an event is one line: its type, then its fields', () => {
  expect(
    eventLine({ type: 'token_refused', reason: 'expired', status: 401, issuer: 'https://sso.example/realms/a' }),
  ).toBe('demo server: token_refused {"reason":"expired","status":401,"issuer":"https://sso.example/realms/a"}');
});

test('the running server logs the key fetch and each refusal, never the token', async () => {
  const valid = await fetch(`${demo.url}/api/private`, { headers: { authorization: `Bearer ${await idp.mint()}` } });
  expect(valid.status).toBe(200); // the keys are fetched for it (an expired token is refused before any fetch)
  const expired = await idp.mint({ exp: nowSeconds() - 3_600 });
  const response = await fetch(`${demo.url}/api/private`, { headers: { authorization: `Bearer ${expired}` } });
  expect(response.status).toBe(401);
  await eventually(() => demo.output().includes('token_refused'));
  const lines = demo.output().split('\n');
  expect(lines).toContain(`demo server: token_refused {"reason":"expired","status":401,"issuer":"${idp.issuer}"}`);
  expect(lines.some((line) => line.startsWith(`demo server: keys_fetched {"issuer":"${idp.issuer}"`))).toBe(true);
  for (const part of expired.split('.')) expect(demo.output()).not.toContain(part);
});
