// The demo's OpenAPI document against a real Keycloak: a client that knows only the document (as Swagger UI
// does) gets a token from its tokenUrl, with the scopes an operation lists, and that operation accepts it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startDemoServer, type DemoServerProcess } from '../helpers/demo-server.js';
import { keycloakUnderTest } from './keycloak-env.js';

const keycloak = keycloakUnderTest();
let servers: DemoServerProcess[] = [];

beforeAll(async () => {
  servers = await Promise.all(
    (['express', 'fastify'] as const).map((framework) =>
      startDemoServer({ ISSUER_URL: keycloak.issuer(), FRAMEWORK: framework }),
    ),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

/** What Swagger UI's "Authorize" does for a clientCredentials flow: a form POST with HTTP Basic credentials. */
async function swaggerStyleToken(tokenUrl: string, scopes: readonly string[]): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('test_api_client:test_api_client_dev_secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

test.each(['express', 'fastify'])(
  'through %s, a token from the documented tokenUrl with the documented scopes opens the documented route',
  async (framework) => {
    const server = servers[framework === 'express' ? 0 : 1]!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
    const flow = document.components.securitySchemes.oauth2.flows.clientCredentials;
    expect(flow.tokenUrl).toBe(`${keycloak.issuer()}/protocol/openid-connect/token`);

    const [requirement] = document.paths['/api/private-scoped'].get.security as Record<string, string[]>[];
    expect(requirement).toEqual({ oauth2: ['test_api_access'] });
    const token = await swaggerStyleToken(flow.tokenUrl, requirement!.oauth2!);
    const answer = await fetch(`${server.url}/api/private-scoped`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
  },
);
