/**
 * Runs the MCP example: `npx tsx examples/mcp-server/main.ts`, with ISSUER_URL (default the local Keycloak realm
 * `myorg`) and PORT (default 50200). In Keycloak, give the MCP client an "Audience" mapper whose "Included Custom
 * Audience" is the resource URL printed below, and a client scope `mcp:tools`.
 */
import { createMcpApp } from './app.js';

const port = Number(process.env.PORT ?? '50200');
const issuer = process.env.ISSUER_URL ?? 'http://localhost:8080/realms/myorg';
const resource = `http://127.0.0.1:${port}/mcp`;
createMcpApp({ issuer, resource }).listen(port, '127.0.0.1', () => {
  console.log(`MCP example at ${resource} (tokens from ${issuer})`);
});
