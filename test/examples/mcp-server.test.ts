// The MCP example against the MCP authorization spec's resource-server requirements, checked with the official
// SDK's own client-side helpers: 401 with resource_metadata, metadata naming the authorization server, 403
// insufficient_scope with scope, tokens bound to the server by audience (RFC 8707), and a tool call that works.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { checkResourceAllowed } from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { createMcpApp } from '../../examples/mcp-server/app.js';
import { startFakeProvider, type FakeProvider } from '../../src/testing/index.js';
import { freePort } from '../helpers/free-port.js';

let idp: FakeProvider;
let close: () => Promise<void>;
let resource: string;

beforeAll(async () => {
  idp = await startFakeProvider();
  const port = await freePort();
  resource = `http://127.0.0.1:${port}/mcp`;
  const server = createServer(createMcpApp({ issuer: idp.issuer, resource }));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await Promise.all([close(), idp.close()]);
});

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
};

const post = (token?: string, body: unknown = initialize) =>
  fetch(resource, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });

describe('the MCP example as an MCP authorization resource server', () => {
  test('answers 401 with resource_metadata, and the metadata it names passes the SDK and names the issuer', async () => {
    const refused = await post();
    expect(refused.status).toBe(401);
    const { resourceMetadataUrl } = extractWWWAuthenticateParams(refused);
    expect(resourceMetadataUrl?.href).toBe(resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    const metadata = await discoverOAuthProtectedResourceMetadata(resource, { resourceMetadataUrl });
    expect(metadata.resource).toBe(resource);
    expect(metadata.authorization_servers).toEqual([idp.issuer]);
    expect(metadata.scopes_supported).toEqual(['mcp:tools']);
    expect(checkResourceAllowed({ requestedResource: resource, configuredResource: metadata.resource })).toBe(true);
  });

  test('answers 403 insufficient_scope with the scope needed', async () => {
    const refused = await post(await idp.mint({ aud: resource, scope: 'email' }));
    expect(refused.status).toBe(403);
    expect(extractWWWAuthenticateParams(refused)).toMatchObject({ error: 'insufficient_scope', scope: 'mcp:tools' });
  });

  test('refuses a token meant for another resource (audience, RFC 8707) with 401 invalid_token', async () => {
    const refused = await post(await idp.mint({ aud: 'test-api', scope: 'mcp:tools' }));
    expect(refused.status).toBe(401);
    expect(extractWWWAuthenticateParams(refused).error).toBe('invalid_token');
  });

  test('serves MCP to a token for this server with the scope', async () => {
    const token = await idp.mint({ aud: resource, scope: 'mcp:tools', sub: 'mcp-user' });
    const answer = await post(token);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { serverInfo: { name: 'bearer-guard-example' } },
    });
    const call = await post(token, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'whoami', arguments: {} },
    });
    expect(await call.json()).toMatchObject({ result: { content: [{ type: 'text', text: 'mcp-user' }] } });
  });
});
