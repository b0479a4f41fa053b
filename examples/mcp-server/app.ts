/**
 * A minimal MCP server (Model Context Protocol, streamable HTTP, the official TypeScript SDK) protected by
 * bearer-guard as the MCP authorization spec asks of a resource server: its protected-resource metadata
 * (RFC 9728) is published, every 401 and 403 points to it, tokens must be meant for this server (RFC 8707
 * audience) and a missing scope answers 403 `insufficient_scope` with `scope`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type Express } from 'express';
import type { IncomingMessage } from 'node:http';
import { createAuth } from '../../src/index.js';

/** Where the MCP server is reached, and who issues its tokens. */
export interface McpExampleOptions {
  /** The MCP endpoint's URL as clients use it, e.g. `https://mcp.example.com/mcp`: the resource identifier. */
  readonly resource: string;
  /** The Keycloak realm (or other issuer), e.g. `http://localhost:8080/realms/myorg`. */
  readonly issuer: string;
  /** The scope a client needs to use the tools. Default `mcp:tools`. */
  readonly scope?: string;
  /** For tests: how the guard fetches keys. */
  readonly fetch?: typeof fetch;
}

/** One MCP server per request: the stateless mode of the streamable HTTP transport. */
function mcpServer(subject: string | undefined): McpServer {
  const server = new McpServer({ name: 'bearer-guard-example', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the access token was issued for' }, async () => ({
    content: [{ type: 'text', text: subject ?? 'unknown' }],
  }));
  return server;
}

/** The Express app: the metadata document, and `/mcp` behind the guard. */
export function createMcpApp(options: McpExampleOptions): Express {
  const auth = createAuth({
    issuer: options.issuer,
    audience: false, // the resource itself is the audience (below)
    resource: options.resource,
    resourceAudience: true,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const app = express();
  app.use(auth.protectedResource({ resourceName: 'bearer-guard MCP example' }));
  const path = new URL(options.resource).pathname;
  app.post(path, express.json(), auth.requireAuth(options.scope ?? 'mcp:tools'), async (req, res) => {
    const server = mcpServer(req.auth?.payload.sub);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // The SDK hands `req.auth` to tools as `authInfo`: a verified token has its `token`, `clientId` and `scopes`.
    await transport.handleRequest(req as IncomingMessage, res, req.body);
  });
  return app;
}
