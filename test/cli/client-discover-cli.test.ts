// `call <url> --discover`: the CLI starts from the API's URL alone and finds the issuer through the API's
// protected-resource metadata (RFC 9728), against the demo app and the test kit's provider on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { demoSettings } from '../helpers/demo.js';
import { createDemoApp } from '../../src/demo/app.js';
import { runCli } from '../helpers/cli.js';
import type { Served } from '../helpers/http.js';
import { freePort } from '../helpers/free-port.js';
import { createServer } from 'node:http';

let idp: FakeProvider;
let api: Served;

beforeAll(async () => {
  idp = await startFakeProvider();
  // The demo's RESOURCE must be the URL the CLI is given, so the API listens on a port chosen in advance.
  const port = await freePort();
  const app = await createDemoApp(demoSettings(idp, { resource: `http://127.0.0.1:${port}` }));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  api = {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
afterAll(async () => {
  await Promise.all([api.close(), idp.close()]);
});

describe('bearer-guard call --discover', () => {
  test('finds the issuer from the API URL alone, gets a token there and calls the API', async () => {
    const result = await runCli(
      ['call', `${api.url}/api/private-scoped`, '--discover', '--issuer', 'http://127.0.0.1:9/nowhere'],
      {
        env: { CLIENT_SECRET: 'test_api_client_dev_secret' },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^HTTP 200 OK\n/);
  }, 30_000);

  test('without --discover the configured issuer is used (here unreachable): a provider error, not a call', async () => {
    const result = await runCli(['call', `${api.url}/api/private-scoped`, '--issuer', 'http://127.0.0.1:9/realms/x'], {
      env: { CLIENT_SECRET: 'test_api_client_dev_secret' },
    });
    expect(result.code).not.toBe(0);
  }, 30_000);
});
